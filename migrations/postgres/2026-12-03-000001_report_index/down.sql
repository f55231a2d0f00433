DROP INDEX enrolments_report_idx;
