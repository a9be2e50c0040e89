-- Samenspel schema 2: an OIDC subject and an invite code name at most one account. The plain
-- indexes of schema 1 are replaced by unique partial ones (NULL: the account has none), so two
-- app servers that sign in the same new OIDC user at once, or hand out the same code, cannot
-- both succeed: the second write fails with a unique violation (the store's DuplicateError).
-- A database that already holds such a duplicate stops at this migration (it names the index);
-- resolve the duplicate by hand and start again.

DROP INDEX IF EXISTS accounts_oidc_subject;
DROP INDEX IF EXISTS accounts_invite_code;
CREATE UNIQUE INDEX accounts_oidc_subject_unique ON accounts (oidc_subject) WHERE oidc_subject IS NOT NULL;
CREATE UNIQUE INDEX accounts_invite_code_unique ON accounts (invite_code) WHERE invite_code IS NOT NULL;
