UPDATE programmes SET delivery_mode = 'blended' WHERE delivery_mode IS NULL;
UPDATE programmes SET availability = 'on_demand' WHERE availability IS NULL;
ALTER TABLE programmes ALTER COLUMN delivery_mode SET NOT NULL;
ALTER TABLE programmes ALTER COLUMN availability SET NOT NULL;
CREATE INDEX programmes_delivery_mode_idx ON programmes (delivery_mode);
CREATE INDEX programmes_availability_idx ON programmes (availability);
