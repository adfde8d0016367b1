;;; eglot-e2e.el --- drive real Emacs + eglot against modlsp, write a JSON report  -*- lexical-binding: t -*-

;; Run as: emacs --batch -l README-CONFIG.el -l eglot-e2e.el WORKSPACE REPORT
;; The README's eglot snippet is loaded first, unchanged: this proves the documented config.
;; Every wait polls on a condition (accept-process-output returns as soon as output arrives)
;; and gives up after `e2e-timeout' seconds with the reason in the report.

(require 'json)
(require 'eglot)
(require 'go-mode)

(defvar e2e-timeout 30)
(defvar e2e-report (list))
(defvar e2e-workspace (nth 0 command-line-args-left))
(defvar e2e-report-file (nth 1 command-line-args-left))
(setq command-line-args-left nil)

(defun e2e-wait (what predicate)
  "Wait until PREDICATE is non-nil, or fail naming WHAT."
  (let ((deadline (+ (float-time) e2e-timeout)))
    (while (not (funcall predicate))
      (when (> (float-time) deadline)
        (error "timed out after %ss waiting for %s" e2e-timeout what))
      (accept-process-output nil 0.05))))

(defun e2e-diagnostics ()
  (mapcar (lambda (d)
            `((line . ,(line-number-at-pos (flymake-diagnostic-beg d)))
              (type . ,(symbol-name (flymake-diagnostic-type d)))
              (text . ,(flymake-diagnostic-text d))))
          (sort (flymake-diagnostics)
                (lambda (a b) (< (flymake-diagnostic-beg a) (flymake-diagnostic-beg b))))))

(defun e2e-put (key value)
  (push (cons key value) e2e-report))

(defun e2e-run ()
  (find-file (expand-file-name "go.mod" e2e-workspace))
  (e2e-put 'mode (symbol-name major-mode))
  ;; eglot-ensure defers the connection to the end of the current command; batch Emacs runs
  ;; no command loop, so run that hook by hand.
  (run-hooks 'post-command-hook)
  (e2e-wait "eglot to connect" #'eglot-current-server)
  (e2e-wait "diagnostics" #'flymake-diagnostics)
  (e2e-put 'server (plist-get (eglot--server-info (eglot-current-server)) :name))
  (e2e-put 'diagnostics (e2e-diagnostics))
  ;; Line 5 holds the misspelt directive: its only quickfix is applied without a prompt.
  (goto-char (point-min))
  (forward-line 4)
  (eglot-code-actions (line-beginning-position) (line-end-position) "quickfix" t)
  (e2e-put 'line5 (buffer-substring-no-properties (line-beginning-position) (line-end-position)))
  ;; eglot sends the change and flymake re-checks from idle timers, which never fire in batch
  ;; Emacs: do what those timers do.
  (eglot--signal-textDocument/didChange)
  (flymake-start)
  (e2e-wait "the fixed problem to disappear" (lambda () (= 1 (length (flymake-diagnostics)))))
  (e2e-put 'after (e2e-diagnostics))
  ;; A Go source buffer is not managed by modlsp with this config (gopls's job in Emacs).
  (find-file (expand-file-name "main.go" e2e-workspace))
  (e2e-put 'go-managed (if (eglot-current-server) t :json-false)))

(condition-case err
    (e2e-run)
  (error (e2e-put 'error (error-message-string err))))
(with-temp-file e2e-report-file
  (insert (json-encode e2e-report)))
(kill-emacs 0)
