package playbook

// SharedQueue reports whether team is a shared queue (teams.NAME.
// shared_queue): each of its members sees every handoff its members own,
// as the deal desk sees its whole approval queue. Unknown teams are not.
func (pb *Playbook) SharedQueue(team string) bool {
	t, ok := pb.Teams[team]
	return ok && t.SharedQueue
}
