import { app, BrowserWindow, protocol, net, session, shell } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createBackend } from '../services/backend';
import { appVersion, dataDir, defaultDocumentsDir, preloadPath, rendererDir, trainerEntry } from '../app-paths';
import { bindIpc, forwardEvents } from './ipc-main';
import { createUtilityLauncher } from './utility-launcher';
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
  const contents = mainWindow.webContents;
  contents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${ORIGIN}/`)) event.preventDefault();
  });
  await mainWindow.loadURL(`${ORIGIN}/index.html`);
}

app.whenReady().then(async () => {
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
        'Content-Security-Policy': [
          "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'",
        ],
      },
    });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));

  const backend = createBackend({
    mode: 'electron',
    version: appVersion(),
    launcher: createUtilityLauncher(trainerEntry()),
    dataDir: dataDir(),
    defaultDir: defaultDocumentsDir(),
    dialogs: createElectronDialogs(() => mainWindow),
  });
  const unbind = bindIpc(backend, (url) => url.startsWith(`${ORIGIN}/`));
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
