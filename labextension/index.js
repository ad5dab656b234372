// Keras teaching kit: notebook kernels a student session can afford.
//
// 1. The notebook tabs JupyterLab restores from the last session's layout (after a server restart
//    on a hub or Binder, each would start a kernel) start none: they show "No Kernel" until the
//    student runs a cell, which starts that notebook's kernel (JupyterLab's autoStartDefaultKernel
//    setting, on in the kit). A notebook the student opens starts its kernel as always.
// 2. A notebook that opened without a kernel gets its Jupyter widgets manager when its first kernel
//    starts. ipywidgets 8 looks for a notebook's kernel only once, when the notebook opens, and
//    without one never renders a widget in it (jupyter-widgets/ipywidgets#3970, #3980); this does
//    what ipywidgets does at open, at the first kernel instead, through the function ipywidgets
//    exports for it (registerWidgetManager).
//
// Built with `npm run build` into kitlib/labextension/ (committed), which
// kitlib.lab.configure_student_jupyter adds to LabApp.extra_labextensions_path.
import { PageConfig } from '@jupyterlab/coreutils';
import { registerWidgetManager, WidgetRenderer } from '@jupyter-widgets/jupyterlab-manager';

const PLUGIN_ID = 'kit-lazy-kernels:plugin';
const NOTEBOOK_FACTORY = 'Notebook';

/** The widget outputs already in a notebook (placeholders until the notebook has a manager). */
function* widgetRenderers(app, panel) {
  for (const cell of panel.content.widgets) {
    if (cell.model.type !== 'code') {
      continue;
    }
    for (const output of cell.outputArea.widgets) {
      for (const child of Array.from(output.children())) {
        if (child instanceof WidgetRenderer) {
          yield child;
        }
      }
    }
  }
  // the notebook's outputs shown in their own tab ("Create New View for Cell Output")
  for (const view of Array.from(app.shell.widgets('main'))) {
    if (!view.id.startsWith('LinkedOutputView-') || view.path !== panel.context.path) {
      continue;
    }
    for (const outputs of Array.from(view.children())) {
      for (const child of Array.from(outputs.children())) {
        if (child instanceof WidgetRenderer) {
          yield child;
        }
      }
    }
  }
}

/** Resolves with the notebook's first kernel, or with null when the notebook closes without one. */
function firstKernel(sessionContext) {
  return new Promise(resolve => {
    const current = sessionContext.session && sessionContext.session.kernel;
    if (current) {
      resolve(current);
      return;
    }
    const onKernel = (_, change) => {
      if (change.newValue) {
        done(change.newValue);
      }
    };
    const onDisposed = () => done(null);
    const done = kernel => {
      sessionContext.kernelChanged.disconnect(onKernel);
      sessionContext.disposed.disconnect(onDisposed);
      resolve(kernel);
    };
    sessionContext.kernelChanged.connect(onKernel);
    sessionContext.disposed.connect(onDisposed);
  });
}

/** Give a notebook that opened without a kernel its widgets manager at its first kernel. */
async function widgetsOnFirstKernel(app, panel) {
  const sessionContext = panel.sessionContext;
  await sessionContext.ready;
  if (panel.isDisposed || (sessionContext.session && sessionContext.session.kernel)) {
    return; // it opened with a kernel: ipywidgets made the manager itself
  }
  const kernel = await firstKernel(sessionContext);
  if (!kernel || panel.isDisposed) {
    return;
  }
  const manager = registerWidgetManager(
    panel.context, panel.content.rendermime, widgetRenderers(app, panel));
  panel.disposed.connect(() => manager.dispose());
}

/** A restored tab: no kernel when it opens; the first cell run starts it. */
function deferKernel(panel) {
  const sessionContext = panel.sessionContext;
  const preference = sessionContext.kernelPreference;
  if (preference.shouldStart === false || preference.canStart === false) {
    return; // starts none anyway
  }
  sessionContext.kernelPreference = { ...preference, shouldStart: false };
  // What this plugin decided, for the kit's browser tests (and anyone inspecting the page).
  panel.node.dataset.kitKernel = 'on-first-run';
  firstKernel(sessionContext).then(() => {
    if (!sessionContext.isDisposed) {
      sessionContext.kernelPreference = { ...sessionContext.kernelPreference, shouldStart: preference.shouldStart };
    }
  });
}

const plugin = {
  id: PLUGIN_ID,
  description: 'Restored notebook tabs start no kernel until a cell runs; widgets render in notebooks whose kernel starts late.',
  autoStart: true,
  activate: app => {
    // The file in the page's URL (/lab/tree/PATH) is opened at the student's request, not restored.
    const requested = PageConfig.getOption('treePath');
    let restoring = true;
    const restoredDone = () => {
      restoring = false;
    };
    app.restored.then(restoredDone, restoredDone);
    // A widget extension runs when the notebook's panel is made, before its kernel is looked for.
    app.docRegistry.addWidgetExtension(NOTEBOOK_FACTORY, {
      createNew: (panel, context) => {
        if (restoring && context.path !== requested) {
          deferKernel(panel);
        }
        widgetsOnFirstKernel(app, panel).catch(error => {
          console.warn(`${PLUGIN_ID}: ${context.path}:`, error);
        });
      }
    });
  }
};

export default plugin;
