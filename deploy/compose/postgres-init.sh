#!/bin/sh
# Run by the postgres image on the first start of an empty volume (docker-entrypoint-initdb.d), as the superuser.
# The payment service's own role: it logs in, owns payment_db (so its migrations create its tables) and nothing
# else; no superuser, no creating databases or roles. Nobody else may connect to payment_db.
set -eu
: "${PAYMENT_DB_PASSWORD:?PAYMENT_DB_PASSWORD is not set: the payment service would have no database role}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -v password="$PAYMENT_DB_PASSWORD" <<'SQL'
create role payment login nosuperuser nocreatedb nocreaterole noreplication password :'password';
create database payment_db owner payment;
revoke all on database payment_db from public;
SQL
