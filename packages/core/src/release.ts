/**
 * Environment variables that name the deployed release, most explicit first: our own and
 * Sentry's release variables, then the commit that CI systems and hosting platforms expose to
 * the build or the running app. docs/triage.md has the same list as a table.
 */
export const RELEASE_ENV_VARS: ReadonlyArray<readonly [name: string, source: string]> = [
  ['FAULTLINE_RELEASE', 'set by you'],
  ['SENTRY_RELEASE', 'set by you (Sentry tooling)'],
  ['GITHUB_SHA', 'GitHub Actions'],
  ['CI_COMMIT_SHA', 'GitLab CI'],
  ['CIRCLE_SHA1', 'CircleCI'],
  ['BITBUCKET_COMMIT', 'Bitbucket Pipelines'],
  ['BUILDKITE_COMMIT', 'Buildkite'],
  ['TRAVIS_COMMIT', 'Travis CI'],
  ['DRONE_COMMIT_SHA', 'Drone'],
  ['CODEBUILD_RESOLVED_SOURCE_VERSION', 'AWS CodeBuild'],
  ['BUILD_SOURCEVERSION', 'Azure Pipelines'],
  ['GIT_COMMIT', 'Jenkins'],
  ['VERCEL_GIT_COMMIT_SHA', 'Vercel'],
  ['CF_PAGES_COMMIT_SHA', 'Cloudflare Pages'],
  ['COMMIT_REF', 'Netlify'],
  ['RENDER_GIT_COMMIT', 'Render'],
  ['RAILWAY_GIT_COMMIT_SHA', 'Railway'],
  ['HEROKU_SLUG_COMMIT', 'Heroku (dyno metadata)'],
  ['SOURCE_VERSION', 'Heroku (build)'],
  ['K_REVISION', 'Google Cloud Run / Knative revision'],
];

/**
 * The release named by the environment (see `RELEASE_ENV_VARS`), or undefined. The caller
 * passes the variables, so this works wherever they come from.
 */
export function releaseFromEnv(env: Record<string, string | undefined>): string | undefined {
  for (const [name] of RELEASE_ENV_VARS) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
}
