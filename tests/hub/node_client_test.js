// A Node.js gRPC client (@grpc/grpc-js + @grpc/proto-loader), built only from
// the .proto files, against a real hubd. Usage:
//   node node_client_test.js PROTO_DIR HUBD HUB_SAMPLE WORK_DIR
// Starts hubd on a free loopback port, syncs a small sample world's Zendesk
// export and looks up a support user by zendesk.user_id and by email.
'use strict';
const assert = require('assert');
const childProcess = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const [protoDir, hubd, sample, work] = process.argv.slice(2);
const token = 'node-client-token';

function startHubd() {
  const config = path.join(work, 'hub.textproto');
  fs.writeFileSync(config,
      `db_path: "${path.join(work, 'hub.db')}"\n` +
      `tokens { principal: "node" role: "admin" sha256: "` +
      crypto.createHash('sha256').update(token).digest('hex') + `" }\n`);
  const proc = childProcess.spawn(hubd, ['--config', config, '--listen', '127.0.0.1:0'],
                                  {stdio: ['ignore', 'ignore', 'pipe']});
  return new Promise((resolve, reject) => {
    let buffered = '';
    proc.stderr.on('data', (chunk) => {
      buffered += chunk;
      for (const line of buffered.split('\n')) {
        if (!line.trim()) continue;
        try {
          const entry = JSON.parse(line);
          if (entry.msg === 'listening') resolve({proc, address: `127.0.0.1:${entry.port}`});
        } catch (e) { /* a partial line */ }
      }
    });
    proc.on('exit', (code) => reject(new Error(`hubd exited early with ${code}`)));
  });
}

function call(client, method, request, withToken = true) {
  const metadata = new grpc.Metadata();
  if (withToken) metadata.add('authorization', `Bearer ${token}`);
  return new Promise((resolve, reject) => {
    client[method](request, metadata, (err, response) => err ? reject(err) : resolve(response));
  });
}

async function main() {
  childProcess.execFileSync(sample, ['--out', path.join(work, 'world'), '--accounts', '5',
                                     '--seed', '3'], {stdio: 'ignore'});
  const definition = protoLoader.loadSync(
      ['hub/v1/profile_service.proto', 'hub/v1/sync_service.proto'],
      {includeDirs: [protoDir], keepCase: true, longs: String, enums: String, defaults: true});
  const hub = grpc.loadPackageDefinition(definition).hub.v1;
  const {proc, address} = await startHubd();
  try {
    const credentials = grpc.credentials.createInsecure();
    const sync = new hub.SyncService(address, credentials);
    const profiles = new hub.ProfileService(address, credentials);
    await call(sync, 'CreateSource', {source_id: 'support', source: {
      kind: 'zendesk', path: path.join(work, 'world', 'zendesk')}});
    let job = await call(sync, 'RunSync', {name: 'sources/support'});
    while (job.state !== 'SUCCEEDED' && job.state !== 'FAILED') {
      await new Promise((r) => setTimeout(r, 50));
      job = await call(sync, 'GetSyncJob', {name: job.name});
    }
    assert.strictEqual(job.state, 'SUCCEEDED', job.error);
    assert.ok(Number(job.records_read) > 0);

    const users = JSON.parse(fs.readFileSync(path.join(work, 'world', 'zendesk', 'users-0001.json')));
    const user = users.users.find((u) => u.active && u.email && u.email.includes('@'));
    const byId = await call(profiles, 'LookupProfile',
                            {identifier_type: 'zendesk.user_id', identifier_value: String(user.id)});
    const ids = byId.identifiers.map((i) => `${i.type}=${i.value}`);
    assert.ok(ids.includes(`zendesk.user_id=${user.id}`), ids.join(', '));
    assert.ok(ids.includes(`email=${user.email.trim().toLowerCase()}`), ids.join(', '));
    const byEmail = await call(profiles, 'LookupProfile',
                               {identifier_type: 'email', identifier_value: user.email.toUpperCase()});
    assert.strictEqual(byEmail.name, byId.name);

    // Every other read: a batch with a missing name and a read mask; a
    // filtered, paged list equal to the filter applied here to the whole
    // list; the profile's events; accounts, one account and its members.
    const batch = await call(profiles, 'BatchGetProfiles',
                             {names: [byId.name, 'profiles/999999999'],
                              read_mask: {paths: ['name']}});
    assert.strictEqual(batch.results[0].profile.name, byId.name);
    assert.strictEqual(batch.results[0].profile.identifiers.length, 0);
    assert.strictEqual(batch.results[1].error.code, grpc.status.NOT_FOUND);
    const everything = (await call(profiles, 'ListProfiles', {page_size: 1000})).profiles;
    const want = everything.filter((p) => p.stage === byId.stage).map((p) => p.name);
    assert.ok(want.includes(byId.name));
    const got = [];
    let pageToken = '';
    do {
      const page = await call(profiles, 'ListProfiles',
                              {filter: `stage = ${byId.stage}`, page_size: 2, page_token: pageToken});
      got.push(...page.profiles.map((p) => p.name));
      pageToken = page.next_page_token;
    } while (pageToken);
    assert.deepStrictEqual(got, want);
    const events = await call(profiles, 'ListProfileEvents', {name: byId.name, page_size: 1000});
    assert.strictEqual(events.events.length, Number(byId.event_count));
    assert.ok(events.events.every((e) => e.profile === byId.name));
    const accounts = (await call(profiles, 'ListAccounts', {page_size: 1000})).accounts;
    assert.ok(accounts.length > 0, 'no accounts');
    const account = await call(profiles, 'GetAccount', {name: accounts[0].name});
    const members = await call(profiles, 'ListAccountMembers',
                               {parent: account.name, page_size: 1000});
    assert.strictEqual(members.profiles.length, Number(account.member_count));
    assert.ok(members.profiles.every((m) => m.account === account.name));

    await assert.rejects(call(profiles, 'GetProfile', {name: byId.name}, false),
                         (err) => err.code === grpc.status.UNAUTHENTICATED);
    await assert.rejects(call(profiles, 'ListProfiles', {page_token: 'nope'}),
                         (err) => err.code === grpc.status.INVALID_ARGUMENT &&
                                  err.details.startsWith('page_token:'));
    // The change stream: dense sequences from 1, until the looked-up
    // profile's creation has arrived.
    const changes = await new Promise((resolve, reject) => {
      const metadata = new grpc.Metadata();
      metadata.add('authorization', `Bearer ${token}`);
      const stream = profiles.WatchProfileChanges({after_sequence: 0}, metadata);
      const seen = [];
      stream.on('data', (change) => {
        seen.push(change);
        if (change.kind === 'CREATED' && change.name === byId.name) {
          stream.cancel();
          resolve(seen);
        }
      });
      stream.on('error', (err) => {
        if (err.code !== grpc.status.CANCELLED) reject(err);
      });
    });
    changes.forEach((c, i) => assert.strictEqual(Number(c.sequence), i + 1));
    console.log(`node client: looked up zendesk user ${user.id} as ${byId.name}; ` +
                `its creation is change ${changes[changes.length - 1].sequence}`);
    sync.close();
    profiles.close();
  } finally {
    proc.removeAllListeners('exit');  // the start-up watcher
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    assert.strictEqual(await exited, 0, 'hubd did not exit cleanly on SIGTERM');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
