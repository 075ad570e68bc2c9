interface User {
  id: string;
  profile?: { name: string };
}

const users: Record<string, User> = {
  '1': { id: '1', profile: { name: 'Ada' } },
  '2': { id: '2' },
};

/** User 2 has no profile yet: a real bug, caught by Faultline with this line. */
export function findUser(id: string): { id: string; name: string } {
  const user = users[id] ?? { id };
  return { id: user.id, name: (user.profile as { name: string }).name };
}

/** Fails after an await, the way a database call does. */
export async function loadOrder(id: string): Promise<{ id: string }> {
  await new Promise((resolve) => setTimeout(resolve, 5));
  if (id === 'broken') throw new Error(`order ${id} could not be loaded: connection reset`);
  return { id };
}
