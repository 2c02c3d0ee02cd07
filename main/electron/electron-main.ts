import { app, BrowserWindow, protocol, net, session, shell } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createBackend } from '../services/backend';
import { appVersion, dataDir, defaultDocumentsDir, heavyWorkerEntry, preloadPath, rendererDir, trainerEntry } from '../app-paths';
import { workerHeavyWork } from '../services/heavy-work';
import { bindIpc, forwardEvents, sendEvent } from './ipc-main';
import { installAppMenu } from './menu';
import { projectFileFromArgv } from './menu-template';
import type { MenuCommandEvent } from '../../shared/api/contract';
import { createUtilityLauncher } from './utility-launcher';
import { CONTENT_SECURITY_POLICY } from '../../shared/security/csp';
import { createElectronDialogs } from './dialogs';

/**
 * The desktop app. The UI is served from the built renderer folder through a
 * privileged `app://` scheme (module scripts do not load from file://).
 */
const SCHEME = 'app';
const ORIGIN = `${SCHEME}://netwright`;

protocol.registerSchemesAsPrivileged([
  { scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

let mainWindow: BrowserWindow | null = null;
const isOwnPage = (url: string) => url.startsWith(`${ORIGIN}/`);

/** Menu commands go to the app's own window only (never to another page or the developer tools). */
const sendMenuCommand = (event: MenuCommandEvent): boolean => sendEvent(mainWindow?.webContents ?? null, 'menu.command', event, isOwnPage);

let recentFiles: readonly string[] = [];
const rebuildMenu = () =>
  installAppMenu({ isMac: process.platform === 'darwin', isDev: !app.isPackaged, appName: app.name, recentFiles }, (event) => void sendMenuCommand(event));

/**
 * A .nwproj the system asked us to open (file association: argv on Windows and
 * Linux, `open-file` on macOS, a second start while running). It waits until the
 * window's UI listens: its first `app.recentFiles` call says so.
 */
let uiListening = false;
let pendingProject: string | null = projectFileFromArgv(process.argv, process.cwd());
function openProjectFile(file: string): void {
  if (uiListening && sendMenuCommand({ command: 'file.openPath', path: file })) return;
  pendingProject = file;
}

// One instance: a second start (a double-clicked project) hands its file to the first and quits.
const isFirstInstance = app.requestSingleInstanceLock();
if (!isFirstInstance) {
  app.quit();
} else {
  app.on('second-instance', (_event, argv, cwd) => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
    const file = projectFileFromArgv(argv, cwd);
    if (file) openProjectFile(file);
  });
}
app.on('open-file', (event, file) => {
  event.preventDefault();
  openProjectFile(file);
});

async function createWindow(): Promise<void> {
  mainWindow = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'Netwright',
    show: false,
    webPreferences: {
      preload: preloadPath(),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  mainWindow.on('closed', () => {
    mainWindow = null;
  });
  // A reload starts a new UI: it says again when it listens.
  mainWindow.webContents.on('did-start-navigation', (details) => {
    if (details.isMainFrame && !details.isSameDocument) uiListening = false;
  });
  const contents = mainWindow.webContents;
  contents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (!isOwnPage(url)) event.preventDefault();
  });
  await mainWindow.loadURL(`${ORIGIN}/index.html`);
}

app.whenReady().then(async () => {
  if (!isFirstInstance) return;
  const root = rendererDir();
  protocol.handle(SCHEME, (request) => {
    const url = new URL(request.url);
    const file = path.resolve(root, `.${decodeURIComponent(url.pathname)}`);
    if (!file.startsWith(root + path.sep)) return new Response('Forbidden', { status: 403 });
    return net.fetch(pathToFileURL(file).toString());
  });
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
      },
    });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));

  const backend = createBackend({
    mode: 'electron',
    version: appVersion(),
    launcher: createUtilityLauncher(trainerEntry()),
    heavy: workerHeavyWork(heavyWorkerEntry()),
    dataDir: dataDir(),
    defaultDir: defaultDocumentsDir(),
    dialogs: createElectronDialogs(() => mainWindow),
    onRecentFiles: (paths) => {
      recentFiles = paths;
      rebuildMenu();
      uiListening = true;
      if (pendingProject) {
        const file = pendingProject;
        pendingProject = null;
        openProjectFile(file);
      }
    },
  });
  rebuildMenu();
  const unbind = bindIpc(backend, isOwnPage);
  const unforward = forwardEvents(backend, () => mainWindow?.webContents ?? null);
  app.on('will-quit', () => {
    unbind();
    unforward();
    void backend.dispose();
  });
  await createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
