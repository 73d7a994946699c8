/* global db, print -- mongosh globals: the mongo image runs this file in mongosh */
// Run by the mongo image on the first start of an empty volume (docker-entrypoint-initdb.d), as the root user.
// One user per service, living in and allowed on that service's database only (readWrite: documents, indexes,
// collections), so a leaked connection string opens one service's data, not everyone's. Passwords come from
// .env through the container's environment: <SERVICE>_MONGO_PASSWORD.
const SERVICES = ['auth', 'user', 'event', 'booking', 'approval', 'qr', 'notification'];
for (const name of SERVICES) {
  const variable = `${name.toUpperCase()}_MONGO_PASSWORD`;
  const password = process.env[variable];
  if (!password) throw new Error(`${variable} is not set: the ${name} service would have no database user`);
  const database = `${name}_db`;
  db.getSiblingDB(database).createUser({ user: name, pwd: password, roles: [{ role: 'readWrite', db: database }] });
  print(`created MongoDB user ${name} (readWrite on ${database})`);
}
