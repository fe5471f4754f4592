-- Secret preview links: a random token per article whose holder may read
-- the draft without an account. NULL: no link. Unique so a token names
-- one article.
ALTER TABLE articles ADD COLUMN preview_token TEXT;
CREATE UNIQUE INDEX articles_by_preview_token ON articles (preview_token);
