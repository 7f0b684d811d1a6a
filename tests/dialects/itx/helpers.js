// The seed's helpers, verbatim, run against a case read from the ITX API.
const ROLE_ASSIGNED_USER = 1;
const ROLE_CASE_FOLLOWER = 2;
function getActiveFollowerMembers(caze) {
return getActiveMembersOfRole(caze, ROLE_CASE_FOLLOWER);
}
function getAssignedUser(caze) {
const foundUserMembers = getActiveMembersOfRole(caze, ROLE_ASSIGNED_USER);
if (foundUserMembers.length == 1) {
// Should only ever exist 1 active member.
return foundUserMembers[0];
}
}
function getActiveMembersOfRole(caze, searchForRole){
if (!caze.members) {
// No members provided. Return empty list
return [];
}
return caze.members.filter(iMember => memberIsActive(iMember)
&& iMember.role == searchForRole);
}
function memberIsActive(activityMember) {
return activityMember.startTs != null && activityMember.endTs == null;
}

const caze = JSON.parse(require("fs").readFileSync(0, "utf8"));
const assigned = getAssignedUser(caze);
process.stdout.write(JSON.stringify({
  assigned: assigned === undefined ? null : assigned.user.userId,
  followers: getActiveFollowerMembers(caze).map(m => m.user.userId),
}));
