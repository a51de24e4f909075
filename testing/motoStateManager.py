"""State Manager for the test moto: moto 5.2.1's SSM has no associations and no managed nodes.

What it adds to moto's SSM, per account x region, with the SSM API reference's member names and error codes
(botocore's service model):
  - CreateAssociation, UpdateAssociation, DeleteAssociation, DescribeAssociation, ListAssociations;
  - AddTagsToResource, RemoveTagsFromResource, ListTagsForResource for ResourceType Association (every other
    resource type stays moto's own);
  - DescribeInstanceInformation: the managed nodes are moto's running EC2 instances of the account x region.
An association's Overview counts its targets' last results. Results are what the agent's runs on the nodes
report, which no emulator can make: a test seeds them, in moto's way for what it cannot compute
(/moto-api/static/...):
  POST /moto-api/static/ssm/association-results
  {"account_id": "...", "region": "...", "association": "<name or id>", "results": {"i-...": "Success"}}
A target without a seeded result is Pending. /moto-api/reset forgets everything, as it does moto's own state.

Run as the test moto's launcher, with moto.server's own arguments:
  python testing/motoStateManager.py -H 127.0.0.1 -p 5000
"""

import base64
import json
import re
import sys
import uuid
from datetime import datetime, timezone
from typing import Any, Callable

from moto.core.base_backend import BackendDict, BaseBackend
from moto.core.responses import ActionResult, EmptyResult
from moto.ec2.models import ec2_backends
from moto.moto_api._internal import urls as moto_api_urls
from moto.server import main as moto_server_main
from moto.ssm.exceptions import InvalidFilterKey, SSMException, ValidationException
from moto.ssm.responses import SimpleSystemManagerResponse

RESULTS_PATH = "{0}/moto-api/static/ssm/association-results"
RESULT_STATUSES = ("Pending", "Success", "Failed")
# The API reference's patterns and page sizes (CreateAssociation, ListAssociations, DescribeInstanceInformation).
DOCUMENT_NAME = re.compile(r"^[a-zA-Z0-9_\-.:/]{3,128}$")
ASSOCIATION_NAME = re.compile(r"^[a-zA-Z0-9_\-.]{3,128}$")
LIST_ASSOCIATIONS_PAGE = (1, 50, 50)  # min, max, default
INSTANCE_INFORMATION_PAGE = (5, 50, 10)
# What CreateAssociation keeps as given; UpdateAssociation replaces them all (below).
OPTIONAL_FIELDS = (
    "AssociationName",
    "Parameters",
    "DocumentVersion",
    "ScheduleExpression",
    "ApplyOnlyAtCronInterval",
    "ComplianceSeverity",
    "SyncCompliance",
    "MaxErrors",
    "MaxConcurrency",
    "OutputLocation",
    "AutomationTargetParameterName",
    "CalendarNames",
    "TargetLocations",
    "ScheduleOffset",
    "Duration",
    "TargetMaps",
    "AlarmConfiguration",
    "AssociationDispatchAssumeRole",
)
LIST_FILTER_FIELDS = {"AssociationName": "AssociationName", "Name": "Name", "AssociationId": "AssociationId"}
NODE_FILTER_FIELDS = {
    "PlatformTypes": "PlatformType",
    "InstanceIds": "InstanceId",
    "PingStatus": "PingStatus",
    "ResourceType": "ResourceType",
}


class AssociationDoesNotExist(SSMException):
    def __init__(self) -> None:
        super().__init__("AssociationDoesNotExist", "The specified association does not exist.")


class InvalidAssociationVersion(SSMException):
    def __init__(self, version: str) -> None:
        super().__init__("InvalidAssociationVersion", f"Association version {version} is not valid.")


class InvalidNextToken(SSMException):
    def __init__(self) -> None:
        super().__init__("InvalidNextToken", "The specified token isn't valid.")


def now() -> datetime:
    return datetime.now(timezone.utc)


class StateManagerBackend(BaseBackend):
    """The associations of one account x region: every version of each, their tags and their nodes' results."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.versions: dict[str, list[dict[str, Any]]] = {}  # id -> descriptions, version 1 first
        self.results: dict[str, dict[str, str]] = {}  # id -> instance id -> status
        self.tags: dict[str, dict[str, str]] = {}

    def managed_nodes(self) -> list[dict[str, Any]]:
        """What DescribeInstanceInformation says of the running EC2 instances here (stopped ones are not listed)."""
        return [
            {
                "InstanceId": instance.id,
                "PingStatus": "Online",
                "LastPingDateTime": now(),
                "PlatformType": "Windows" if instance.platform == "windows" else "Linux",
                "ResourceType": "EC2Instance",
                "IPAddress": instance.private_ip,
                "ComputerName": instance.private_dns_name,
                "SourceId": instance.id,
                "SourceType": "AWS::EC2::Instance",
                # For the Targets' tag keys; not an InstanceInformation member, so left out of its answer.
                "tags": {tag["key"]: tag["value"] for tag in instance.get_tags()},
            }
            for instance in ec2_backends[self.account_id][self.region_name].all_running_instances()
        ]

    def latest(self, association_id: str) -> dict[str, Any]:
        if association_id not in self.versions:
            raise AssociationDoesNotExist()
        return self.versions[association_id][-1]

    def create(self, request: dict[str, Any]) -> dict[str, Any]:
        validate_names(request)
        association_id = str(uuid.uuid4())
        created = now()
        self.versions[association_id] = [
            {
                "AssociationId": association_id,
                "AssociationVersion": "1",
                "Name": request["Name"],
                "Targets": request.get("Targets") or [],
                "Date": created,
                "LastUpdateAssociationDate": created,
                **{field: request[field] for field in OPTIONAL_FIELDS if request.get(field) is not None},
            }
        ]
        self.tags[association_id] = {tag["Key"]: tag["Value"] for tag in request.get("Tags") or []}
        return self.describe(association_id)

    def update(self, request: dict[str, Any]) -> dict[str, Any]:
        """
        As the API reference says, every optional field the request leaves out is cleared, not kept. The document
        (Name) and the Targets, which no association is without, are kept when left out. An update runs the
        association again on its targets: their last results are forgotten (Pending until seeded again).
        """
        association_id = request["AssociationId"]
        current = self.latest(association_id)
        expected = request.get("AssociationVersion")
        if expected not in (None, "$LATEST", current["AssociationVersion"]):
            raise InvalidAssociationVersion(expected)
        validate_names({"Name": current["Name"], **request})
        version = str(int(current["AssociationVersion"]) + 1)
        self.versions[association_id].append(
            {
                "AssociationId": association_id,
                "AssociationVersion": version,
                "Name": request.get("Name") or current["Name"],
                "Targets": request.get("Targets") or current["Targets"],
                "Date": current["Date"],
                "LastUpdateAssociationDate": now(),
                **{field: request[field] for field in OPTIONAL_FIELDS if request.get(field) is not None},
            }
        )
        self.results.pop(association_id, None)
        return self.describe(association_id)

    def delete(self, association_id: str) -> None:
        self.latest(association_id)
        for store in (self.versions, self.results, self.tags):
            store.pop(association_id, None)

    def describe(self, association_id: str, version: str | None = None) -> dict[str, Any]:
        versions = self.versions.get(association_id)
        if versions is None:
            raise AssociationDoesNotExist()
        if version in (None, "$LATEST"):
            description = versions[-1]
        elif version.isdigit() and 1 <= int(version) <= len(versions):
            description = versions[int(version) - 1]
        else:
            raise InvalidAssociationVersion(version)
        return {**description, "Overview": self.overview(association_id)}

    def targets(self, association_id: str) -> list[str]:
        """The managed nodes the association's Targets select: InstanceIds (* for all), tag:<key>, tag-key."""
        targets = self.latest(association_id)["Targets"]
        selected = []
        for node in self.managed_nodes():
            for target in targets:
                key, values = target["Key"], target.get("Values") or []
                if (
                    (key == "InstanceIds" and ("*" in values or node["InstanceId"] in values))
                    or (key.startswith("tag:") and node["tags"].get(key[4:]) in values)
                    or (key == "tag-key" and any(value in node["tags"] for value in values))
                ):
                    selected.append(node["InstanceId"])
                    break
        return selected

    def overview(self, association_id: str) -> dict[str, Any]:
        """Failed when a target failed, else Pending when one has not run it (or there is none), else Success."""
        results = self.results.get(association_id, {})
        counts: dict[str, int] = {}
        for node in self.targets(association_id):
            status = results.get(node, "Pending")
            counts[status] = counts.get(status, 0) + 1
        status = "Failed" if "Failed" in counts else "Pending" if "Pending" in counts or not counts else "Success"
        return {"Status": status, "DetailedStatus": status, "AssociationStatusAggregatedCount": counts}

    def matching(self, name_or_id: str) -> list[str]:
        return [
            association_id
            for association_id, versions in self.versions.items()
            if name_or_id in (association_id, versions[-1].get("AssociationName"))
        ]


state_manager_backends = BackendDict(StateManagerBackend, "ssm")


def validate_names(request: dict[str, Any]) -> None:
    for field, pattern in (("Name", DOCUMENT_NAME), ("AssociationName", ASSOCIATION_NAME)):
        value = request.get(field)
        if value is not None and not pattern.match(value):
            raise ValidationException(
                f"1 validation error detected: Value '{value}' at '{field[0].lower() + field[1:]}' failed to "
                f"satisfy constraint: Member must satisfy regular expression pattern: {pattern.pattern}"
            )


def page(items: list[Any], token: str | None, size: int | None, bounds: tuple[int, int, int]) -> dict[str, Any]:
    """One page and the token of the next: the token is the next item's index, opaque to the caller."""
    low, high, default = bounds
    if size is not None and not low <= size <= high:
        raise ValidationException(
            f"1 validation error detected: Value '{size}' at 'maxResults' failed to satisfy constraint: "
            f"Member must have value between {low} and {high}"
        )
    try:
        start = int(base64.b64decode(token).decode()) if token else 0
    except ValueError:
        raise InvalidNextToken()
    if not 0 <= start <= len(items):
        raise InvalidNextToken()
    end = start + (size or default)
    next_token = base64.b64encode(str(end).encode()).decode() if end < len(items) else None
    return {"items": items[start:end], "NextToken": next_token}


def with_next_token(result: dict[str, Any], listed: dict[str, Any]) -> ActionResult:
    if listed["NextToken"]:
        result["NextToken"] = listed["NextToken"]
    return ActionResult(result)


class StateManagerResponses:
    """Methods for moto's SSM response class: moto calls the snake_case method of the request's Action."""

    _get_param: Callable[..., Any]
    current_account: str
    region: str

    @property
    def state_manager(self) -> StateManagerBackend:
        return state_manager_backends[self.current_account][self.region]

    def create_association(self) -> ActionResult:
        request = {name: self._get_param(name) for name in ("Name", "Targets", "Tags", *OPTIONAL_FIELDS)}
        return ActionResult({"AssociationDescription": self.state_manager.create(request)})

    def update_association(self) -> ActionResult:
        names = ("AssociationId", "AssociationVersion", "Name", "Targets", *OPTIONAL_FIELDS)
        request = {name: self._get_param(name) for name in names}
        return ActionResult({"AssociationDescription": self.state_manager.update(request)})

    def delete_association(self) -> EmptyResult:
        self.state_manager.delete(self._get_param("AssociationId") or "")
        return EmptyResult()

    def describe_association(self) -> ActionResult:
        # Associations made with Targets are described by id (the API reference); Name/InstanceId name none here.
        description = self.state_manager.describe(
            self._get_param("AssociationId") or "", self._get_param("AssociationVersion")
        )
        return ActionResult({"AssociationDescription": description})

    def list_associations(self) -> ActionResult:
        filters = self._get_param("AssociationFilterList") or []
        for entry in filters:
            if entry["key"] not in LIST_FILTER_FIELDS:
                raise InvalidFilterKey(f"The emulator does not filter associations by {entry['key']}.")
        summaries = []
        for association_id in self.state_manager.versions:
            description = self.state_manager.describe(association_id)
            # Each filter matches its field exactly.
            if all(description.get(LIST_FILTER_FIELDS[entry["key"]]) == entry["value"] for entry in filters):
                summaries.append(association_summary(description))
        listed = page(
            summaries, self._get_param("NextToken"), self._get_param("MaxResults"), LIST_ASSOCIATIONS_PAGE
        )
        return with_next_token({"Associations": listed["items"]}, listed)

    def describe_instance_information(self) -> ActionResult:
        filters = self._get_param("Filters") or []
        legacy = self._get_param("InstanceInformationFilterList") or []
        if filters and legacy:
            raise ValidationException("Filters and InstanceInformationFilterList cannot be used together.")
        filters = filters or [{"Key": entry["key"], "Values": entry["valueSet"]} for entry in legacy]
        for entry in filters:
            if entry["Key"] not in NODE_FILTER_FIELDS:
                raise InvalidFilterKey(f"The emulator does not filter managed nodes by {entry['Key']}.")
        nodes = [
            {key: value for key, value in node.items() if key != "tags"}
            for node in self.state_manager.managed_nodes()
            if all(node[NODE_FILTER_FIELDS[entry["Key"]]] in entry["Values"] for entry in filters)
        ]
        listed = page(
            nodes, self._get_param("NextToken"), self._get_param("MaxResults"), INSTANCE_INFORMATION_PAGE
        )
        return with_next_token({"InstanceInformationList": listed["items"]}, listed)

    def add_tags_to_resource(self) -> EmptyResult:
        if self._get_param("ResourceType") != "Association":
            return self.moto_add_tags_to_resource()
        tags = self.association_tags()
        tags.update({tag["Key"]: tag["Value"] for tag in self._get_param("Tags")})
        return EmptyResult()

    def remove_tags_from_resource(self) -> EmptyResult:
        if self._get_param("ResourceType") != "Association":
            return self.moto_remove_tags_from_resource()
        tags = self.association_tags()
        for key in self._get_param("TagKeys"):
            tags.pop(key, None)
        return EmptyResult()

    def list_tags_for_resource(self) -> ActionResult:
        if self._get_param("ResourceType") != "Association":
            return self.moto_list_tags_for_resource()
        tags = self.association_tags()
        return ActionResult({"TagList": [{"Key": key, "Value": value} for key, value in tags.items()]})

    def association_tags(self) -> dict[str, str]:
        association_id = self._get_param("ResourceId")
        if association_id not in self.state_manager.tags:
            raise SSMException("InvalidResourceId", "The resource ID isn't valid.")
        return self.state_manager.tags[association_id]


def association_summary(description: dict[str, Any]) -> dict[str, Any]:
    """ListAssociations' Association: a subset of the description, without Parameters."""
    fields = ("Name", "AssociationId", "AssociationVersion", "DocumentVersion", "Targets", "Overview")
    fields += ("ScheduleExpression", "AssociationName", "ScheduleOffset", "Duration", "TargetMaps")
    return {field: description[field] for field in fields if field in description}


def set_association_results(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
    """The seeding endpoint: per instance, the status of the association's last run there."""
    body = json.loads(request.get_data() or b"{}")
    missing = [key for key in ("account_id", "region", "association", "results") if key not in body]
    if missing:
        return 400, {}, f"association results need {', '.join(missing)}"
    state_manager = state_manager_backends[body["account_id"]][body["region"]]
    matching = state_manager.matching(body["association"])
    if not matching:
        return 400, {}, f"no association {body['association']} in {body['account_id']} {body['region']}"
    unknown = sorted({status for status in body["results"].values()} - set(RESULT_STATUSES))
    if unknown:
        return 400, {}, f"result statuses must be one of {', '.join(RESULT_STATUSES)}, not {', '.join(unknown)}"
    for association_id in matching:
        state_manager.results.setdefault(association_id, {}).update(body["results"])
    return 201, {}, ""


def install() -> None:
    for name in ("add_tags_to_resource", "remove_tags_from_resource", "list_tags_for_resource"):
        setattr(SimpleSystemManagerResponse, f"moto_{name}", getattr(SimpleSystemManagerResponse, name))
    for name, method in vars(StateManagerResponses).items():
        if not name.startswith("__") and (callable(method) or isinstance(method, property)):
            setattr(SimpleSystemManagerResponse, name, method)
    moto_api_urls.url_paths[RESULTS_PATH] = set_association_results


if __name__ == "__main__":
    install()
    moto_server_main(sys.argv[1:])
