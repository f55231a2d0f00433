DROP TABLE programme_partners;
DROP TABLE seed_log;
DROP TABLE programme_priorities;
DROP TABLE programme_stems;
DROP TABLE programmes;
DROP TABLE venus_stems;
DROP TABLE priorities;
