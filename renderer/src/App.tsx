import { useEffect } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import { getApi, useConnection, warnBeforeUnload } from './platform';
import { WorkbenchProvider, useEditor } from './state/context';
import { AnalysisProvider } from './state/analysis';
import type { TrainingStore } from './state/training-store';
import type { Workbench } from './state/workbench';
import { useUi } from './state/ui';
import { Header } from './shell/Header';
import { ConnectionBanner } from './shell/ConnectionBanner';
import { RecoveryOffer } from './shell/RecoveryOffer';
import { Notices } from './shell/Notices';
import { FileDialog } from './shell/FileDialog';
import { ConfirmDialog } from './shell/ConfirmDialog';
import { useShortcuts } from './shell/useShortcuts';
import { CheatSheet } from './shell/CheatSheet';
import { MenuCommands } from './shell/MenuCommands';
import { TemplatesDialog } from './templates/TemplatesDialog';
import { SweepDialog } from './training/SweepDialog';
import { basename } from './shell/paths';
import { Palette } from './canvas/Palette';
import { Canvas } from './canvas/Canvas';
import { Inspector } from './inspector/Inspector';
import { Dashboard } from './training/Dashboard';
import { StepPanelOr } from './step/StepPanel';
import { adoptRunsWhenTheyEnd } from './training/project-runs';
import { Splitter, useWindowSize } from './shell/Splitter';
import { effectiveSize, usePanels } from './shell/panel-sizes';

/** Asks the back end for its facts once it is reachable. */
function useBackendInfo() {
  const status = useConnection().status;
  const loaded = useUi((s) => s.defaultDir !== null);
  useEffect(() => {
    if (status !== 'open' || loaded) return;
    const api = getApi();
    api.call('app.info', {}).then(
      (info) => useUi.getState().setDefaultDir(info.defaultDir),
      () => undefined,
    );
    api.call('datasets.list', {}).then(
      (d) => useUi.getState().setDatasets(d),
      () => undefined,
    );
  }, [status, loaded]);
}

/** Whenever the back end (re)connects, adopts a run that is still training there: a reload mid-run reattaches to it. */
function useReattachTraining(training: TrainingStore) {
  const status = useConnection().status;
  useEffect(() => {
    if (status !== 'open') return;
    getApi()
      .call('training.current', {})
      .then(
        ({ run }) => {
          if (run) training.getState().reattach(run);
        },
        () => undefined,
      );
  }, [status, training]);
}

function WindowTitle() {
  const name = useEditor((s) => (s.filePath ? basename(s.filePath) : s.doc.name));
  const dirty = useEditor((s) => s.dirty);
  useEffect(() => {
    document.title = `${dirty ? '● ' : ''}${name} — Netwright`;
  }, [name, dirty]);
  return null;
}

export function App({ workbench }: { workbench: Workbench }) {
  const { editor: store, training } = workbench;
  useShortcuts(workbench);
  useBackendInfo();
  useEffect(() => getApi().on('training.event', (ev) => training.getState().applyEvent(ev)), [training]);
  useReattachTraining(training);
  useEffect(() => adoptRunsWhenTheyEnd(workbench), [workbench]);
  useEffect(() => warnBeforeUnload(() => store.getState().dirty), [store]);
  const sizes = usePanels((s) => s.sizes);
  const win = useWindowSize();
  const columns = { gridTemplateColumns: `${effectiveSize('palette', sizes, win)}px 6px minmax(0, 1fr) 6px ${effectiveSize('inspector', sizes, win)}px` };
  const rows = { gridTemplateRows: `auto auto minmax(0, 1fr) 6px ${effectiveSize('dashboard', sizes, win)}px` };

  return (
    <WorkbenchProvider workbench={workbench}>
      <AnalysisProvider>
        <WindowTitle />
        <div className="app" style={rows}>
          <div className="app__banners">
            <ConnectionBanner />
            <RecoveryOffer />
          </div>
          <Header />
          <ReactFlowProvider>
            <MenuCommands />
            <main className="workspace" style={columns}>
              {sizes.palette.collapsed ? <div /> : <Palette />}
              <Splitter panel="palette" side="left" />
              <Canvas />
              <Splitter panel="inspector" side="right" />
              {sizes.inspector.collapsed ? <div /> : (
                <StepPanelOr>
                  <Inspector />
                </StepPanelOr>
              )}
            </main>
          </ReactFlowProvider>
          <Splitter panel="dashboard" side="below" />
          {sizes.dashboard.collapsed ? <div /> : <Dashboard />}
        </div>
        <Notices />
        <FileDialog />
        <ConfirmDialog />
        <CheatSheet />
        <TemplatesDialog />
        <SweepDialog />
      </AnalysisProvider>
    </WorkbenchProvider>
  );
}
