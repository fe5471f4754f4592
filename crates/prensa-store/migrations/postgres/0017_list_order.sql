-- The readers' lists order by (published_at DESC, id DESC). With id in the
-- index, PostgreSQL walks a section's or a publication's articles in that
-- order and stops at the page (no sort of the whole section), and a deep
-- page's skipped rows are read from the index alone (issue 15: page 98 of
-- a 2,000-article section went from 13.5 ms to 0.7 ms).
DROP INDEX articles_by_section;
CREATE INDEX articles_by_section ON articles (section_id, status, publication_id, published_at, id);
DROP INDEX articles_by_date;
CREATE INDEX articles_by_date ON articles (publication_id, status, published_at, id);
