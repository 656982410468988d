// Stash's toasts (ui/v2.5/src/hooks/Toast.tsx, v0.30.1): one toast at a time in a container;
// success(message) shows it, error(e) logs the error to the console and shows it in red.
import React, { createContext, useContext, useMemo, useState } from "react";
import { Toast } from "react-bootstrap";

const ToastContext = createContext(null);

export function ToastProvider({ children }) {
  const [toast, setToast] = useState(null);
  return (
    <ToastContext.Provider value={setToast}>
      {children}
      <div className="toast-container row">
        {toast && (
          <Toast key={toast.id} className={toast.variant || "success"} autohide delay={toast.delay || 3000}
                 onClose={() => setToast(null)}>
            <Toast.Header><span className="mr-auto">{toast.content}</span></Toast.Header>
          </Toast>
        )}
      </div>
    </ToastContext.Provider>
  );
}

let toastId = 0;

export function useToast() {
  const setToast = useContext(ToastContext);
  if (!setToast) throw new Error("useToast must be used within a ToastProvider");
  return useMemo(() => ({
    toast: (item) => setToast({ ...item, id: toastId++ }),
    success: (content) => setToast({ content, id: toastId++ }),
    error: (error) => {
      console.error(error);
      setToast({ content: String(error && error.message ? error.message : error), variant: "danger", delay: 5000,
                 id: toastId++ });
    },
  }), [setToast]);
}
