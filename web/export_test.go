package web

// WaitSignalImport waits until the workspace import id has finished; it
// returns false when there is no such import.
func (s *Server) WaitSignalImport(id string) bool {
	job := s.imports.get(id)
	if job == nil {
		return false
	}
	<-job.finished
	return true
}
