UPDATE programmes SET delivery_mode = 'blended' WHERE delivery_mode IS NULL;
UPDATE programmes SET availability = 'on_demand' WHERE availability IS NULL;
CREATE INDEX programmes_delivery_mode_idx ON programmes (delivery_mode);
CREATE INDEX programmes_availability_idx ON programmes (availability);
