"""CloudFormation's own pace: moto creates a change set and deletes a stack within the call,
AWS takes its time and says so in the statuses that a deployer polls. Imported by
`hipaa_moto.py`, which calls the hooks below from its CreateChangeSet, DeleteChangeSet and
DeleteStack; the tests choose the pace with environment variables (0, the default, keeps
moto's):

* `HIPAA_MOTO_CHANGE_SET_CREATE_POLLS`: a new change set answers `Status:
  CREATE_IN_PROGRESS`, `ExecutionStatus: UNAVAILABLE` and no changes to that many
  DescribeChangeSet calls, then what moto made of it (API reference, CreateChangeSet: "After
  the CreateChangeSet call successfully completes, CloudFormation starts creating the change
  set. To check the status of the change set or to review it, use the DescribeChangeSet
  action"; DescribeChangeSet, `ExecutionStatus`: "UNAVAILABLE state because CloudFormation
  is still creating it"). Meanwhile DeleteChangeSet is refused (`creating_refusal`) and so is
  ExecuteChangeSet (`hipaa_moto.strict_execute_change_set`, by the execution status).
* `HIPAA_MOTO_DELETE_POLLS`: a stack whose deletion is taken answers `DELETE_IN_PROGRESS` to
  that many DescribeStacks naming it (by name or id), and is deleted only then (API
  reference, DeleteStack: "Once the call completes successfully, stack deletion starts.
  Deleted stacks don't show up in the DescribeStacks operation if the deletion has been
  completed successfully"; ListStacks and DescribeStacks list `DELETE_IN_PROGRESS` among the
  stack statuses). Meanwhile the stack holds its resources, exports and imports, and its name:
  a CREATE change set of that name is refused as for any existing stack, an UPDATE one as for
  a stack in that state (`refuse_update_while_deleting`).
"""

import os

from moto.cloudformation.exceptions import CloudFormationError, ValidationError
from moto.cloudformation.responses import CloudFormationResponse


def _count(variable):
    try:
        return max(int(os.environ.get(variable, "0")), 0)
    except ValueError:
        return 0


class InvalidChangeSetStatus(CloudFormationError):
    code = "InvalidChangeSetStatus"


# ---- change sets being created -------------------------------------------------------------


def creating(change_set):
    """Hides what moto made of a new change set behind `CREATE_IN_PROGRESS` for the first
    `HIPAA_MOTO_CHANGE_SET_CREATE_POLLS` DescribeChangeSet calls."""
    polls = _count("HIPAA_MOTO_CHANGE_SET_CREATE_POLLS")
    if polls == 0:
        return
    change_set.hipaa_made = (
        change_set.status,
        change_set.execution_status,
        change_set.status_reason,
        change_set.changes,
    )
    change_set.hipaa_creating_polls = polls
    change_set.status = "CREATE_IN_PROGRESS"
    change_set.execution_status = "UNAVAILABLE"
    change_set.status_reason = None
    change_set.changes = []


def described(change_set):
    """One DescribeChangeSet of `change_set`: it stays `CREATE_IN_PROGRESS` while polls are
    left, and is what moto made of it afterwards."""
    left = getattr(change_set, "hipaa_creating_polls", 0)
    if left > 0:
        change_set.hipaa_creating_polls = left - 1
        return
    made = getattr(change_set, "hipaa_made", None)
    if made is not None:
        (
            change_set.status,
            change_set.execution_status,
            change_set.status_reason,
            change_set.changes,
        ) = made
        change_set.hipaa_made = None


def creating_refusal(change_set):
    """DeleteChangeSet of a change set that CloudFormation is still creating is refused with
    `InvalidChangeSetStatus` (API reference, DeleteChangeSet, "Errors": "The specified change
    set can't be used to update the stack. For example, the change set status might be
    CREATE_IN_PROGRESS", HTTP 400; the service's words, as AWS tools have reported them:
    "Cannot delete ChangeSet in status CREATE_IN_PROGRESS"). An execution in progress is
    refused alike. moto deletes it."""
    if change_set is None:
        return
    if change_set.status == "CREATE_IN_PROGRESS":
        raise InvalidChangeSetStatus("Cannot delete ChangeSet in status CREATE_IN_PROGRESS")
    if change_set.execution_status == "EXECUTE_IN_PROGRESS":
        raise InvalidChangeSetStatus(
            "An operation on this ChangeSet is currently in progress. Please attempt this operation again later."
        )


# ---- stacks being deleted ------------------------------------------------------------------


def delete_later(backend, stack, delete_now):
    """Deletes `stack` with `delete_now(backend, stack_id)`, at once or, with
    `HIPAA_MOTO_DELETE_POLLS`, once that many DescribeStacks have seen it
    `DELETE_IN_PROGRESS`."""
    polls = _count("HIPAA_MOTO_DELETE_POLLS")
    if polls == 0:
        return delete_now(backend, stack.stack_id)
    if getattr(stack, "hipaa_deleting", None) is not None:
        return None
    stack.hipaa_deleting = (polls, delete_now)
    stack.status = "DELETE_IN_PROGRESS"
    stack._add_stack_event("DELETE_IN_PROGRESS", resource_status_reason="User Initiated")
    return None


def _advance(backend, name_or_id):
    """A DescribeStacks that names a stack being deleted counts as one poll of it; the one
    after the last finds the deletion done."""
    stacks = [backend.stacks[name_or_id]] if name_or_id in backend.stacks else [
        s for s in backend.stacks.values() if s.name == name_or_id
    ]
    for stack in stacks:
        deleting = getattr(stack, "hipaa_deleting", None)
        if deleting is None:
            continue
        left, delete_now = deleting
        if left > 0:
            stack.hipaa_deleting = (left - 1, delete_now)
            continue
        stack.hipaa_deleting = None
        told = len(stack.events)
        delete_now(backend, stack.stack_id)
        # moto's deletion writes its own `DELETE_IN_PROGRESS`: the one written when the
        # deletion was taken stands.
        stack.events[told:] = [
            e for e in stack.events[told:]
            if not (e.logical_resource_id == stack.name and e.resource_status == "DELETE_IN_PROGRESS")
        ]


def refuse_update_while_deleting(backend, stack_name):
    """An UPDATE change set for a stack that is being deleted is refused (API reference,
    CreateChangeSet: a change set updates a stack in a state that can be updated; the
    `ValidationError` "Stack:… is in DELETE_IN_PROGRESS state and can not be updated.").
    moto makes it."""
    for stack in backend.stacks.values():
        if (stack.name == stack_name or stack.stack_id == stack_name) and stack.status == "DELETE_IN_PROGRESS":
            raise ValidationError(
                message=f"Stack:{stack.stack_id} is in DELETE_IN_PROGRESS state and can not be updated."
            )


_moto_describe_stacks = CloudFormationResponse.describe_stacks


def describe_stacks_response(self):
    name = self._get_param("StackName")
    if name:
        _advance(self.cloudformation_backend, name)
    return _moto_describe_stacks(self)


CloudFormationResponse.describe_stacks = describe_stacks_response
