-- The dashboard's counts (issue 17): `SELECT site_id, status, COUNT(*) FROM keywords … GROUP BY
-- site_id, status` read every keyword row (there was no index holding the site), 215 ms at 100k
-- keywords; over this covering index it reads only the index (benches/dashboard.rs).
CREATE INDEX keywords_by_site_status ON keywords (site_id, status);
