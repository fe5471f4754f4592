-- A section's article list (issue 15: deep pagination over the archive).
-- The readers' lists filter on publication, section, status and date and
-- order by date: with publication_id among the equality columns the index
-- answers a section page and its count without reading article rows, and
-- walks in date order so a deep page stops at its LIMIT.
DROP INDEX articles_by_section;
CREATE INDEX articles_by_section ON articles (section_id, status, publication_id, published_at);
