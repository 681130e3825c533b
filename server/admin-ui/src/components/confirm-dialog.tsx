import { useEffect, useId, useRef, type ReactNode } from 'react';

interface ConfirmDialogProps {
  title: string;
  children?: ReactNode;
  /** Text of the button that goes ahead (e.g. "Delete lookup_order"). */
  confirmLabel: string;
  cancelLabel?: string;
  /** Styles the go-ahead button as dangerous (red). */
  danger?: boolean;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  className?: string;
}

/**
 * An inline confirmation (no browser dialog, so it works inside helpdesk iframes). The safe
 * choice has focus: Enter or Space on arrival cancels, Escape cancels too, and focus goes
 * back to where it was when the dialog closes.
 */
export function ConfirmDialog({ title, children, confirmLabel, cancelLabel = 'Cancel', danger, busy, onConfirm, onCancel, className }: ConfirmDialogProps) {
  const id = useId();
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const opener = document.activeElement;
    cancel.current?.focus();
    return () => {
      // The opener may have been re-rendered away; only a still-attached element gets focus back.
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
    };
  }, []);
  return (
    <div
      className={`notice notice-warning confirm-dialog${className ? ` ${className}` : ''}`}
      role="alertdialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={children ? `${id}-text` : undefined}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          onCancel();
        }
      }}
    >
      <strong id={`${id}-title`} className="notice-title">
        {title}
      </strong>
      {children ? <div id={`${id}-text`}>{children}</div> : null}
      <div className="button-row">
        <button type="button" className={`button ${danger ? 'danger' : 'primary'}`} disabled={busy} onClick={onConfirm}>
          {confirmLabel}
        </button>
        <button ref={cancel} type="button" className="button secondary" onClick={onCancel}>
          {cancelLabel}
        </button>
      </div>
    </div>
  );
}
