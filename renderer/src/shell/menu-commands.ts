import type { MenuCommandEvent } from '../../../shared/api/contract';

/** What the UI does for each command of the desktop app's menu (shell/MenuCommands.tsx wires the real ones). */
export interface MenuActions {
  newProject(): void;
  openProject(): void;
  openPath(path: string): void;
  save(): void;
  saveAs(): void;
  exportModel(): void;
  undo(): void;
  redo(): void;
  duplicate(): void;
  deleteSelection(): void;
  selectAll(): void;
  zoomToFit(): void;
  autoLayout(): void;
  startTraining(): void;
  togglePause(): void;
  stopTraining(): void;
  showShortcuts(): void;
  showAbout(): void;
}

/** Runs one menu command; the switch is exhaustive, so a new command in the contract does not compile until handled. */
export function runMenuCommand(event: MenuCommandEvent, a: MenuActions): void {
  switch (event.command) {
    case 'file.new':
      return a.newProject();
    case 'file.open':
      return a.openProject();
    case 'file.openPath':
      return a.openPath(event.path);
    case 'file.save':
      return a.save();
    case 'file.saveAs':
      return a.saveAs();
    case 'file.export':
      return a.exportModel();
    case 'edit.undo':
      return a.undo();
    case 'edit.redo':
      return a.redo();
    case 'edit.duplicate':
      return a.duplicate();
    case 'edit.delete':
      return a.deleteSelection();
    case 'edit.selectAll':
      return a.selectAll();
    case 'view.zoomToFit':
      return a.zoomToFit();
    case 'view.autoLayout':
      return a.autoLayout();
    case 'train.start':
      return a.startTraining();
    case 'train.pauseResume':
      return a.togglePause();
    case 'train.stop':
      return a.stopTraining();
    case 'help.shortcuts':
      return a.showShortcuts();
    case 'help.about':
      return a.showAbout();
    default:
      return unhandled(event);
  }
}

function unhandled(event: never): never {
  throw new Error(`Unhandled menu command ${JSON.stringify(event)}`);
}
