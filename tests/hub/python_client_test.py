#!/usr/bin/python3
"""A Python gRPC client, built only from the .proto files, against real hubd.

Usage: python_client_test.py PROTO_DIR HUBD HUB_SAMPLE
Generates Python stubs with protoc at test time, starts hubd on a free
loopback port, syncs a small sample world's Salesforce export and looks up a
contact by email. Exits non-zero on any mismatch.
"""
import csv
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

import grpc


def generate_stubs(proto_dir, out_dir):
    protos = sorted(os.path.join("hub/v1", f) for f in os.listdir(os.path.join(proto_dir, "hub/v1"))
                    if f.endswith(".proto"))
    subprocess.run(["protoc", "-I", proto_dir, "--python_out", out_dir, "--grpc_python_out", out_dir,
                    "--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin"] + protos,
                   check=True)
    sys.path.insert(0, out_dir)


def start_hubd(hubd, work, token):
    with open(os.path.join(work, "hub.textproto"), "w") as f:
        f.write('db_path: "%s"\n' % os.path.join(work, "hub.db"))
        f.write('tokens { principal: "py" role: "admin" sha256: "%s" }\n'
                % hashlib.sha256(token.encode()).hexdigest())
    err = open(os.path.join(work, "hubd.err"), "w+")
    proc = subprocess.Popen([hubd, "--config", os.path.join(work, "hub.textproto"),
                             "--listen", "127.0.0.1:0"], stdout=subprocess.DEVNULL, stderr=err)
    deadline = time.time() + 30
    while time.time() < deadline:
        err.seek(0)
        for line in err.read().splitlines():
            entry = json.loads(line)
            if entry.get("msg") == "listening":
                return proc, "127.0.0.1:%s" % entry["port"]
        if proc.poll() is not None:
            raise SystemExit("hubd exited early")
        time.sleep(0.05)
    raise SystemExit("hubd did not listen")


def first_valid_contact(path):
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row["Id"] and "@" in row["Email"] and row["IsDeleted"] == "false":
                return row
    raise SystemExit("no contact in " + path)


def main():
    proto_dir, hubd, sample = sys.argv[1:4]
    work = tempfile.mkdtemp(prefix="hub-py-")
    generate_stubs(proto_dir, work)
    from hub.v1 import profile_service_pb2, profile_service_pb2_grpc
    from hub.v1 import sync_service_pb2, sync_service_pb2_grpc
    from hub.v1 import metrics_service_pb2, metrics_service_pb2_grpc
    from hub.v1 import resources_pb2

    subprocess.run([sample, "--out", os.path.join(work, "world"), "--accounts", "5", "--seed", "3"],
                   check=True, stderr=subprocess.DEVNULL)
    token = "python-client-token"
    proc, address = start_hubd(hubd, work, token)
    auth = [("authorization", "Bearer " + token)]
    try:
        channel = grpc.insecure_channel(address)
        sync = sync_service_pb2_grpc.SyncServiceStub(channel)
        profiles = profile_service_pb2_grpc.ProfileServiceStub(channel)
        sync.CreateSource(sync_service_pb2.CreateSourceRequest(
            source_id="crm", source=sync_service_pb2.Source(
                kind="salesforce", path=os.path.join(work, "world", "salesforce"))), metadata=auth)
        job = sync.RunSync(sync_service_pb2.RunSyncRequest(name="sources/crm"), metadata=auth)
        while job.state not in (sync_service_pb2.SyncJob.SUCCEEDED, sync_service_pb2.SyncJob.FAILED):
            time.sleep(0.05)
            job = sync.GetSyncJob(sync_service_pb2.GetSyncJobRequest(name=job.name), metadata=auth)
        assert job.state == sync_service_pb2.SyncJob.SUCCEEDED, job.error
        assert job.records_read > 0

        contact = first_valid_contact(os.path.join(work, "world", "salesforce", "Contact.csv"))
        profile = profiles.LookupProfile(profile_service_pb2.LookupProfileRequest(
            identifier_type="email", identifier_value=" " + contact["Email"].upper() + " "),
            metadata=auth)
        ids = {(i.type, i.value) for i in profile.identifiers}
        assert ("email", contact["Email"].strip().lower()) in ids, ids
        assert ("salesforce.contact_id", contact["Id"]) in ids, ids
        assert profile.name.startswith("profiles/"), profile.name
        same = profiles.GetProfile(profile_service_pb2.GetProfileRequest(name=profile.name),
                                   metadata=auth)
        assert same.name == profile.name

        # Every other read: a batch with one missing name and a read mask; a
        # filtered, paged list that equals the filter applied here to the
        # whole list; the profile's events, its account and the account's
        # members.
        batch = profiles.BatchGetProfiles(profile_service_pb2.BatchGetProfilesRequest(
            names=[profile.name, "profiles/999999999"],
            read_mask={"paths": ["name", "identifiers"]}), metadata=auth)
        assert batch.results[0].profile.name == profile.name, batch
        assert list(batch.results[0].profile.identifiers) == list(profile.identifiers)
        assert not batch.results[0].profile.traits
        assert batch.results[1].WhichOneof("result") == "error", batch
        assert batch.results[1].error.code == grpc.StatusCode.NOT_FOUND.value[0], batch
        everything = profiles.ListProfiles(
            profile_service_pb2.ListProfilesRequest(page_size=1000), metadata=auth).profiles
        want = [p.name for p in everything if p.stage == profile.stage]
        assert profile.name in want and len(want) < len(everything), (len(want), len(everything))
        got, token = [], ""
        while True:
            page = profiles.ListProfiles(profile_service_pb2.ListProfilesRequest(
                filter="stage = %s" % resources_pb2.Stage.Name(profile.stage), page_size=2,
                page_token=token, read_mask={"paths": ["name"]}), metadata=auth)
            assert all(not p.traits and not p.identifiers for p in page.profiles), page
            got += [p.name for p in page.profiles]
            token = page.next_page_token
            if not token:
                break
        assert got == want, (got, want)
        events, token = [], ""
        while True:
            page = profiles.ListProfileEvents(profile_service_pb2.ListProfileEventsRequest(
                name=profile.name, page_size=3, page_token=token), metadata=auth)
            events += list(page.events)
            token = page.next_page_token
            if not token:
                break
        assert len(events) == same.event_count, (len(events), same.event_count)
        assert all(e.profile == profile.name for e in events)
        assert profile.account.startswith("accounts/"), profile
        account = profiles.GetAccount(profile_service_pb2.GetAccountRequest(name=profile.account),
                                      metadata=auth)
        members = profiles.ListAccountMembers(profile_service_pb2.ListAccountMembersRequest(
            parent=account.name, page_size=1000), metadata=auth).profiles
        assert profile.name in [m.name for m in members]
        assert len(members) == account.member_count, (len(members), account.member_count)
        accounts = profiles.ListAccounts(profile_service_pb2.ListAccountsRequest(
            page_size=1000, filter="stage = %s" % resources_pb2.Stage.Name(account.stage)),
            metadata=auth).accounts
        assert account.name in [a.name for a in accounts]
        assert all(a.stage == account.stage for a in accounts)

        # Its lifecycle: first seen (ATTRACT) no later than the contact was created.
        metrics = metrics_service_pb2_grpc.MetricsServiceStub(channel)
        stages = metrics.ListStageTransitions(
            metrics_service_pb2.ListStageTransitionsRequest(parent=profile.name), metadata=auth)
        assert stages.parent == profile.name, stages.parent
        assert stages.transitions[0].stage == resources_pb2.ATTRACT, stages
        created = contact["CreatedDate"][:19]
        first = time.strftime("%Y-%m-%dT%H:%M:%S",
                              time.gmtime(stages.transitions[0].enter_time.seconds))
        assert first <= created, (first, created)
        assert stages.stage != resources_pb2.STAGE_UNSPECIFIED
        # A funnel over a period with no data: entries 0, rates absent (not 0).
        empty = metrics.GetFunnel(metrics_service_pb2.GetFunnelRequest(
            side=metrics_service_pb2.PERSONS,
            period=metrics_service_pb2.Period(start_time={"seconds": 946684800},
                                              end_time={"seconds": 946684800 + 86400})),
            metadata=auth)
        assert [s.entries for s in empty.stages] == [0, 0, 0, 0, 0], empty
        assert not empty.stages[0].conversion_to_next.HasField("value"), empty.stages[0]
        assert not empty.stages[0].HasField("median_days_in_stage")
        assert empty.conversion_window_days == 90
        try:
            metrics.GetFunnel(metrics_service_pb2.GetFunnelRequest(), metadata=auth)
            raise SystemExit("a funnel without a side succeeded")
        except grpc.RpcError as e:
            assert e.code() == grpc.StatusCode.INVALID_ARGUMENT, e.code()
            assert e.details() == "side: required (PERSONS or ACCOUNTS)", e.details()

        # The change stream: from 0, dense sequences, the looked-up profile
        # created; resumed after its first change, it starts at the second.
        stream = profiles.WatchProfileChanges(
            profile_service_pb2.WatchProfileChangesRequest(after_sequence=0), metadata=auth)
        created = set()
        last = 0
        for change in stream:
            assert change.sequence == last + 1, (change.sequence, last)
            last = change.sequence
            if change.kind == profile_service_pb2.ProfileChange.CREATED:
                created.add(change.name)
            if profile.name in created and last >= 2:
                break
        stream.cancel()
        resumed = profiles.WatchProfileChanges(
            profile_service_pb2.WatchProfileChangesRequest(after_sequence=1), metadata=auth)
        assert next(resumed).sequence == 2
        resumed.cancel()
        try:
            next(iter(profiles.WatchProfileChanges(
                profile_service_pb2.WatchProfileChangesRequest(filter="change = renamed"),
                metadata=auth)))
            raise SystemExit("a bad change filter was accepted")
        except grpc.RpcError as e:
            assert e.code() == grpc.StatusCode.INVALID_ARGUMENT, e.code()
            assert e.details().startswith("filter: change is one of created"), e.details()

        try:
            profiles.GetProfile(profile_service_pb2.GetProfileRequest(name=profile.name))
            raise SystemExit("call without a token succeeded")
        except grpc.RpcError as e:
            assert e.code() == grpc.StatusCode.UNAUTHENTICATED, e.code()
        print("python client: looked up %s as %s" % (contact["Email"], profile.name))
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0


if __name__ == "__main__":
    main()
