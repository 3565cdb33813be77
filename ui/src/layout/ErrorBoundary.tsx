// Last line of defence: a rendering bug shows its message instead of a blank window.
import { Component, type ErrorInfo, type ReactNode } from "react";
import { describeFailure } from "../backend/errors";
import "./layout.css";

type ErrorBoundaryState = { failure: string | null };

export class ErrorBoundary extends Component<{ children: ReactNode }, ErrorBoundaryState> {
  override state: ErrorBoundaryState = { failure: null };

  static getDerivedStateFromError(error: unknown): ErrorBoundaryState {
    return { failure: describeFailure(error) };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error("Cartographus UI crashed", error, info.componentStack);
  }

  override render() {
    if (this.state.failure === null) return this.props.children;
    return (
      <div className="crash-panel" role="alert">
        <h1>Cartographus hit a problem</h1>
        <p>{this.state.failure}</p>
        <p>Reload the window to try again.</p>
      </div>
    );
  }
}
