#!/bin/sh
# A stand-in for a real backup: it copies, then fails the way a full disk does.
echo "backing up database to /var/backups/db.dump"
echo "pg_dump: error: could not write to output file: No space left on device" >&2
exit 3
