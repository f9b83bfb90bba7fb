package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

// importSignalsAPI serves POST /api/v1/signals/import[?dry_run=true]: a
// text/csv body of past signals or leads (see service.ImportSignals),
// imported while the request waits. 200 with the counts, 422 with every
// row error (nothing written), 400 for a body that is not a CSV table or
// is larger than service.MaxSignalImportBytes.
func (s *Server) importSignalsAPI(w http.ResponseWriter, r *http.Request, _ baton.Principal) error {
	dryRun := false
	if v := r.URL.Query().Get("dry_run"); v != "" {
		switch v {
		case "true", "1":
			dryRun = true
		case "false", "0":
		default:
			return errBadRequest{&baton.Error{Code: baton.EINVALID, Message: "invalid query",
				Fields: []baton.FieldError{{Field: "dry_run", Message: "must be true or false"}}}}
		}
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || (mt != "text/csv" && mt != "application/octet-stream") {
			return errBadRequest{&baton.Error{Code: baton.EINVALID, Message: "Content-Type must be text/csv"}}
		}
	}
	f, err := spool(http.MaxBytesReader(w, r.Body, service.MaxSignalImportBytes))
	if err != nil {
		return err
	}
	defer removeSpool(f)
	res, err := s.svc.ImportSignals(r.Context(), f, service.SignalImportOptions{DryRun: dryRun})
	var e *baton.Error
	if errors.Is(err, service.ErrUnreadableFile) && errors.As(err, &e) {
		return errBadRequest{e}
	} else if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// spool copies an upload to a temporary file, so that an import can read
// it twice (check, then write) without holding it in memory.
func spool(r io.Reader) (*os.File, error) {
	f, err := os.CreateTemp("", "baton-import-*.csv")
	if err != nil {
		return nil, fmt.Errorf("web: spool upload: %w", err)
	}
	if _, err := io.Copy(f, r); err != nil {
		removeSpool(f)
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, errBadRequest{&baton.Error{Code: baton.EINVALID,
				Message: fmt.Sprintf("The file is larger than %d MiB: split it.", service.MaxSignalImportBytes>>20)}}
		}
		return nil, errBadRequest{&baton.Error{Code: baton.EINVALID, Message: "Could not read the upload."}}
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		removeSpool(f)
		return nil, fmt.Errorf("web: spool upload: %w", err)
	}
	return f, nil
}

func removeSpool(f *os.File) {
	f.Close()
	os.Remove(f.Name())
}

// importJob is a signals import started from the workspace: it runs after
// the upload's request has ended, and its page shows how far it got.
type importJob struct {
	ID      string
	File    string
	DryRun  bool
	Started time.Time

	mu       sync.Mutex
	progress service.SignalImportProgress
	result   service.SignalImportResult
	done     bool
	elapsed  time.Duration
	problem  string   // the file, or the store, failed
	rowErrs  []string // the rows that failed the checks
	finished chan struct{}
}

// importJobs keeps the latest workspace imports, in memory: a restarted
// server forgets them, and the rows already imported stay imported (run
// the file again to go on: they are skipped).
type importJobs struct {
	mu   sync.Mutex
	jobs map[string]*importJob
	ids  []string // oldest first
}

// maxImportJobs is how many imports the workspace remembers.
const maxImportJobs = 20

func (j *importJobs) add(job *importJob) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.jobs == nil {
		j.jobs = map[string]*importJob{}
	}
	j.jobs[job.ID] = job
	j.ids = append(j.ids, job.ID)
	if len(j.ids) > maxImportJobs {
		delete(j.jobs, j.ids[0])
		j.ids = j.ids[1:]
	}
}

func (j *importJobs) get(id string) *importJob {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.jobs[id]
}

// startSignalImport serves POST /admin/imports/signals: the Team page's
// signals upload. It starts the import and sends the browser to its page.
func (s *Server) startSignalImport(w http.ResponseWriter, r *http.Request, _ baton.Principal) error {
	r.Body = http.MaxBytesReader(w, r.Body, service.MaxSignalImportBytes+64<<10)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errBadRequest{&baton.Error{Code: baton.EINVALID, Message: fmt.Sprintf("The file is larger than %d MiB: split it.", service.MaxSignalImportBytes>>20)}}
		}
		return errBadRequest{&baton.Error{Code: baton.EINVALID, Message: "Could not read the upload: choose a CSV file."}}
	}
	defer r.MultipartForm.RemoveAll()
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return errBadRequest{&baton.Error{Code: baton.EINVALID, Message: "Choose a CSV file to import."}}
	}
	defer file.Close()
	f, err := spool(file)
	if err != nil {
		return err
	}
	job := &importJob{ID: uuid.NewString(), File: hdr.Filename, DryRun: checked(r, "dry_run"), Started: time.Now(), finished: make(chan struct{})}
	s.imports.add(job)
	go s.runSignalImport(context.WithoutCancel(r.Context()), job, f)
	http.Redirect(w, r, "/admin/imports/"+job.ID, http.StatusSeeOther)
	return nil
}

func (s *Server) runSignalImport(ctx context.Context, job *importJob, f *os.File) {
	defer close(job.finished)
	defer removeSpool(f)
	res, err := s.svc.ImportSignals(ctx, f, service.SignalImportOptions{
		DryRun: job.DryRun,
		Progress: func(p service.SignalImportProgress) {
			job.mu.Lock()
			job.progress = p
			job.mu.Unlock()
		},
	})
	job.mu.Lock()
	defer job.mu.Unlock()
	job.done, job.result, job.elapsed = true, res, time.Since(job.Started)
	var e *baton.Error
	switch {
	case baton.ErrorCode(err) == baton.EINVALID && errors.As(err, &e):
		job.problem = sentence(e.Message)
		if len(e.Fields) > 0 {
			job.problem += " Fix these rows and upload the file again:"
		}
		for _, f := range e.Fields {
			job.rowErrs = append(job.rowErrs, service.FormatImportError(f))
		}
	case err != nil:
		s.log.Error("signals import", "file", job.File, "err", err)
		job.problem = fmt.Sprintf("The import stopped after %d rows: %v. Run the same file again to go on: the rows already imported are skipped.", res.Created+res.Joined+res.NoHandoff+res.Duplicates, err)
	}
}

// importJobView is the page of one workspace import.
type importJobView struct {
	adminView
	ID, File  string
	DryRun    bool
	Done      bool
	Imported  int // rows ingested (or checked) so far
	Total     int
	Percent   int
	Rate      string
	Result    service.SignalImportResult
	Problem   string
	RowErrors []string
}

// signalImportPage serves GET /admin/imports/{id}: a running import's
// progress bar (the page reloads itself every second until it is done),
// then its result.
func (s *Server) signalImportPage(w http.ResponseWriter, r *http.Request, p baton.Principal) error {
	job := s.imports.get(r.PathValue("id"))
	if job == nil {
		return baton.Errorf(baton.ENOTFOUND, "no such import (the server keeps the latest %d until it restarts)", maxImportJobs)
	}
	job.mu.Lock()
	v := &importJobView{
		adminView: adminView{Page: newPage(p, s.svc.Clock().Now(), "Import "+job.File, "team")},
		ID:        job.ID, File: job.File, DryRun: job.DryRun, Done: job.done,
		Imported: job.progress.Done, Total: job.progress.Total,
		Result: job.result, Problem: job.problem, RowErrors: job.rowErrs,
	}
	elapsed := time.Since(job.Started)
	if job.done {
		elapsed = job.elapsed
		v.Imported, v.Total = job.result.Rows, job.result.Rows
		if job.problem != "" {
			v.Imported = job.progress.Done
		}
	}
	job.mu.Unlock()
	if v.Total > 0 {
		v.Percent = v.Imported * 100 / v.Total
		if secs := elapsed.Seconds(); secs > 0 && v.Imported > 0 {
			v.Rate = fmt.Sprintf("%.0f rows/s", float64(v.Imported)/secs)
		}
	}
	if !v.Done {
		w.Header().Set("Refresh", "1")
	}
	s.render(w, r, http.StatusOK, "admin_import.html", v)
	return nil
}
