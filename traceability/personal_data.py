"""What traceability keeps about a person: the records they wrote, the batches and devices they registered.

Records are part of a public hash chain and stay; erasing an account only unlinks it from them (the account is not
in the hash). "Who" on a record is what the team typed (a role, a first name, a partner) and is public by design.
"""

from traceability.models import AlertRule, Batch, Device, DeviceToken, Entry


def export(user):
    return {
        "batch_records_written": [
            {"batch": code, "number": sequence, "recorded_at": recorded_at.isoformat()}
            for code, sequence, recorded_at in Entry.objects.filter(recorded_by=user)
            .order_by("recorded_at")
            .values_list("batch__code", "sequence", "recorded_at")
        ],
        "batches_created": list(Batch.objects.filter(created_by=user).values_list("code", flat=True)),
        "devices_registered": list(Device.objects.filter(created_by=user).values_list("name", flat=True)),
    }


def erase(user):
    # Entry.recorded_by is outside the hash; unlinking it is the one update the append-only trigger allows.
    Entry.objects.filter(recorded_by=user).update(recorded_by=None)
    Batch.objects.filter(created_by=user).update(created_by=None)
    Device.objects.filter(created_by=user).update(created_by=None)
    DeviceToken.objects.filter(created_by=user).update(created_by=None)
    AlertRule.objects.filter(created_by=user).update(created_by=None)
