-- The champion's performance monitor (change detector state, JSON), so that a restarted
-- streaming job continues instead of relearning the error rate.
ALTER TABLE dg_monitor_state ADD COLUMN performance_state TEXT;
