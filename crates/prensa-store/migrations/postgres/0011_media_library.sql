-- The media library (issue 14): what an image carries besides its file.
-- `name` is the file name it was uploaded with (the content hash stays
-- the key and the URL); alt text, caption and credit are the library's
-- suggestion wherever the image is used (an article's hero keeps its own
-- alt and caption, prefilled from these). Empty when unknown.
ALTER TABLE media ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE media ADD COLUMN alt TEXT NOT NULL DEFAULT '';
ALTER TABLE media ADD COLUMN caption TEXT NOT NULL DEFAULT '';
ALTER TABLE media ADD COLUMN credit TEXT NOT NULL DEFAULT '';
-- The newest first, as the library lists them.
CREATE INDEX media_by_date ON media (created_at);
