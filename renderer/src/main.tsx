import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles/theme.css';
import './styles/layout.css';
import './styles/canvas.css';
import './styles/panels.css';
import './styles/dashboard.css';
import './styles/dialogs.css';
import './styles/editor.css';
import './styles/explain.css';
import './styles/sweep.css';
import { App } from './App';
import { createWorkbench } from './state/workbench';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
const workbench = createWorkbench();
createRoot(root).render(
  <StrictMode>
    <App workbench={workbench} />
  </StrictMode>,
);
