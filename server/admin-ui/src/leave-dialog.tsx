import { ConfirmDialog } from './components/confirm-dialog';
import { usePendingLeave } from './router';

/** Asks before a navigation drops unsaved edits; "Stay" has focus, Escape stays too. */
export function LeaveDialog() {
  const pending = usePendingLeave();
  if (!pending) return null;
  return (
    <div className="leave-dialog">
      <ConfirmDialog title="Leave without saving?" confirmLabel="Leave without saving" cancelLabel="Stay on this page" danger onConfirm={pending.proceed} onCancel={pending.stay}>
        <p>You have unsaved changes to {pending.what}. They are lost if you leave this page.</p>
      </ConfirmDialog>
    </div>
  );
}
