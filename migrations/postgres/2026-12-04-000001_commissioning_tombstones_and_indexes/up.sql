-- A deleted learning need stays as a tombstone, so that delta sync (`updated_since`) hears of
-- the deletion; and the indexes of the commissioning lists' filters and of the programme
-- checks (a programme a request or need names is retired, not deleted).
ALTER TABLE learning_needs ADD COLUMN deleted_at TIMESTAMP;
CREATE INDEX learning_needs_programme_idx ON learning_needs (programme_id);
CREATE INDEX commissioning_requests_programme_idx ON commissioning_requests (programme_id);
CREATE INDEX commissioning_requests_status_idx ON commissioning_requests (status, updated_at, id);
CREATE INDEX commissioning_request_priorities_code_idx ON commissioning_request_priorities (priority_code);
