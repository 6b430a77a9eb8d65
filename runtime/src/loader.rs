//! Loading a `.hpy0.so`: `load`, `_load_bootstrap` and `install`, with `hpy.universal.load`'s
//! contract (HPy 0.9.0, `hpy/universal/src/hpymodule.c`):
//!
//! 1. the module's short name is the part of `name` after its last dot, in ASCII, with `-` read
//!    as `_`;
//! 2. the library is opened (`RTLD_NOW`) and kept for the life of the process;
//! 3. `get_required_hpy_major_version_<name>` and `..._minor_version_<name>` must say 0.0 (the
//!    ABI this runtime implements), and the file name must carry the tag `.hpy0`;
//! 4. `HPyInitGlobalContext_<name>` receives the context of the mode, then `HPyInit_<name>`
//!    returns the module's `HPyModuleDef`, which becomes a `PyModuleDef` for multi-phase
//!    creation (PEP 489) with `spec`; its exec slots run before `load` returns.
//!
//! Every failure raises [`HPyLoadError`], a subclass of `ImportError` and of `RuntimeError`,
//! with HPy 0.9.0's message. A library loaded again in another mode is loaded from a private copy
//! of its file (`library_for_mode`), so that each module keeps its own context.

use std::mem::ManuallyDrop;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use libloading::os::unix::{Library, RTLD_NOW};

use hpy_cpython::pyo3_ffi as ffi;
use hpy_sys as sys;
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyModule, PyString, PyTuple, PyType};

/// The HPy ABI version this runtime implements (major, minor).
pub const ABI_VERSION: (u32, u32) = (sys::HPY_ABI_VERSION, sys::HPY_ABI_VERSION_MINOR);

/// A context mode, with `hpy.universal`'s numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum Mode {
    /// `MODE_UNIVERSAL` (0): the plain context.
    Universal = 0,
    /// `MODE_DEBUG` (1): HPy's debug context (handle and raw-data checks).
    Debug = 1,
    /// `MODE_TRACE` (2): HPy's trace context (call counts and times).
    Trace = 2,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Universal => "universal",
            Mode::Debug => "debug",
            Mode::Trace => "trace",
        }
    }

    /// The mode a word of `HPY` names (`debug`, `trace`, `universal`, any case).
    fn parse(word: &str) -> Option<Mode> {
        [Mode::Debug, Mode::Trace, Mode::Universal]
            .into_iter()
            .find(|m| m.name().eq_ignore_ascii_case(word))
    }
}

/// The exception type of a failed load: `hpy_rs_runtime.HPyLoadError`, a subclass of both
/// `ImportError` and `RuntimeError`.
pub struct HPyLoadError;

static LOAD_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

impl HPyLoadError {
    /// The type object (made on first use).
    pub fn type_object(py: Python<'_>) -> &Bound<'_, PyType> {
        LOAD_ERROR
            .get_or_init(py, || {
                let bases = PyTuple::new(
                    py,
                    [
                        py.get_type::<pyo3::exceptions::PyImportError>(),
                        py.get_type::<PyRuntimeError>(),
                    ],
                )
                .expect("a tuple of two types");
                let doc = c"Loading an HPy module failed (an ImportError and, as in HPy 0.9.0, a RuntimeError).";
                // SAFETY: a static name and doc, a live tuple of bases, with the GIL held; the
                // result is a new reference or NULL with an exception set.
                let t = unsafe {
                    ffi::PyErr_NewExceptionWithDoc(
                        c"hpy_rs_runtime.HPyLoadError".as_ptr(),
                        doc.as_ptr(),
                        bases.as_ptr(),
                        core::ptr::null_mut(),
                    )
                };
                // SAFETY: a new reference to a type (PyErr_NewException cannot fail here but
                // for memory exhaustion, which is fatal at import anyway).
                unsafe { Bound::from_owned_ptr(py, t) }
                    .cast_into::<PyType>()
                    .expect("PyErr_NewException makes a type")
                    .unbind()
            })
            .bind(py)
    }

    /// A load error with `msg`.
    pub fn new_err(py: Python<'_>, msg: impl Into<String>) -> PyErr {
        PyErr::from_type(Self::type_object(py).clone(), msg.into())
    }
}

/// The libraries loaded so far: the handle `dlopen` gave for the file, the mode of the context
/// it was loaded with, and the handle of the library initialised for that mode (the same
/// handle, or that of a private copy of the file).
static LOADED: Mutex<Vec<(usize, Mode, usize)>> = Mutex::new(Vec::new());

/// `_loaded_modes()`: the names of the modes (`"universal"`, `"debug"`, `"trace"`) that modules
/// have been loaded in so far in this process, without repeats, in the order first used.
#[pyfunction]
pub fn _loaded_modes() -> Vec<&'static str> {
    let loaded = LOADED.lock().unwrap_or_else(|e| e.into_inner());
    let mut modes = Vec::new();
    for &(_, mode, _) in loaded.iter() {
        if !modes.contains(&mode.name()) {
            modes.push(mode.name());
        }
    }
    modes
}

/// The library to initialise with the context of `mode`: `lib` (just opened from `path`) the
/// first time, or when it serves `mode` already; a private copy of the file when `lib` serves
/// another mode. An HPy module keeps its context in a global variable of its library (and a
/// module of this SDK keeps more there), so one library cannot serve two contexts: HPy 0.9.0
/// replaces the first module's context under it, which runs the first module in the second
/// mode from then on. The copy is made once per file and mode ([`private_copy`]).
fn library_for_mode(lib: Library, path: &str, mode: Mode) -> Result<ManuallyDrop<Library>, String> {
    // The library stays loaded from here on: its code backs the module's functions and types.
    // Its handle (the same for every open of one file) identifies it.
    let key = lib.into_raw() as usize;
    let mut loaded = LOADED.lock().unwrap_or_else(|e| e.into_inner());
    let handle = if let Some(&(_, _, h)) = loaded.iter().find(|e| e.0 == key && e.1 == mode) {
        h
    } else if loaded.iter().any(|e| e.0 == key) {
        let h = private_copy(path, mode).map_err(|e| {
            format!(
                "HPy extension module at path '{path}' is loaded in another mode already, and \
                 its private copy for {} mode could not be made: {e}",
                mode.name()
            )
        })?;
        loaded.push((key, mode, h));
        h
    } else {
        loaded.push((key, mode, key));
        key
    };
    // SAFETY: a handle from `dlopen`, never closed (never dropped).
    Ok(ManuallyDrop::new(unsafe {
        Library::from_raw(handle as *mut core::ffi::c_void)
    }))
}

/// Loads a private copy of the library file `path` and returns its `dlopen` handle. The copy is
/// an anonymous in-memory file (`memfd_create`), opened as `/proc/self/fd/<n>` and kept open for
/// the process: no file in a shared directory (nothing for another user to race for or leave
/// behind), and the path stays readable, which the debug mode's symboliser needs to name the
/// copy's functions, files and lines.
fn private_copy(path: &str, mode: Mode) -> Result<usize, String> {
    use std::os::fd::FromRawFd;
    let name = Path::new(path)
        .file_name()
        .map_or_else(|| "module.hpy0.so".into(), |n| n.to_string_lossy());
    let label = std::ffi::CString::new(format!("hpy-rs-{}-{name}", mode.name()))
        .map_err(|e| e.to_string())?;
    // SAFETY: a NUL-terminated name and valid flags; the result is checked.
    let fd = unsafe { libc::memfd_create(label.as_ptr(), libc::MFD_CLOEXEC) };
    if fd < 0 {
        return Err(format!("memfd_create: {}", std::io::Error::last_os_error()));
    }
    // SAFETY: `fd` was just created and is owned here.
    let mut copy = unsafe { std::fs::File::from_raw_fd(fd) };
    let mut original = std::fs::File::open(path).map_err(|e| e.to_string())?;
    std::io::copy(&mut original, &mut copy).map_err(|e| e.to_string())?;
    let proc_path = format!("/proc/self/fd/{fd}");
    // SAFETY: as for the original: the file's initialisers are the compiler's.
    let lib = unsafe { Library::open(Some(&proc_path), RTLD_NOW) }.map_err(|e| e.to_string())?;
    // Kept open for the process: the loader and the symboliser name the library by this path.
    std::mem::forget(copy);
    Ok(lib.into_raw() as usize)
}

/// The short name of a module: after the last dot, ASCII, `-` as `_`.
fn short_name(py: Python<'_>, name: &str) -> PyResult<String> {
    let short = name.rsplit('.').next().unwrap_or(name);
    if !short.is_ascii() {
        return Err(PyValueError::new_err(format!(
            "load() argument 'name': the module name {short:?} is not ASCII"
        )));
    }
    let _ = py;
    Ok(short.replace('-', "_"))
}

/// A function pointer the library exports as `symbol`.
///
/// # Safety
///
/// `T` is the symbol's true type.
unsafe fn symbol<T: Copy>(lib: &Library, symbol: &str) -> Result<T, String> {
    // SAFETY: the caller names the symbol's type.
    unsafe { lib.get::<T>(symbol.as_bytes()) }
        .map(|s| *s)
        .map_err(|e| e.to_string())
}

/// Checks the ABI tag in the file name against the version the module asks for.
fn check_abi_tag(short: &str, path: &str, major: u32, minor: u32) -> Result<(), String> {
    if let Some(at) = path.find(".hpy") {
        let digits: String = path[at + 4..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        if !digits.is_empty() {
            let tag: u64 = digits.parse().unwrap_or(u64::MAX);
            if tag == u64::from(major) {
                return Ok(());
            }
            return Err(format!(
                "HPy extension module '{short}' at path '{path}': mismatch between the HPy ABI tag \
                 encoded in the filename and the major version requested by the HPy extension \
                 itself. Major version tag parsed from filename: {tag}. Requested version: \
                 {major}.{minor}."
            ));
        }
    }
    Err(format!(
        "HPy extension module '{short}' at path '{path}': could not find HPy ABI tag encoded in \
         the filename. The extension claims to be compiled with HPy ABI version: {major}.{minor}."
    ))
}

/// Loads the module file `path` as `name` in `mode`, creating it from `spec`.
pub fn do_load(
    py: Python<'_>,
    name: &str,
    path: &str,
    mode: Mode,
    spec: &Bound<'_, PyAny>,
) -> PyResult<Py<PyAny>> {
    let short = short_name(py, name)?;
    let err = |msg: String| HPyLoadError::new_err(py, msg);
    // SAFETY: both only read the interpreter state of the running thread, which holds the GIL.
    let main = unsafe { ffi::PyInterpreterState_Get() == ffi::PyInterpreterState_Main() };
    if !main {
        return Err(err(format!(
            "cannot load '{short}' in a sub-interpreter: HPy 0.9 modules and this runtime's \
             context keep per-process state, which only the main interpreter may use"
        )));
    }
    // SAFETY: loading a shared library runs its initialisers; an HPy module's are the
    // compiler's. The library is never unloaded (its functions back the module's objects).
    let lib = unsafe { Library::open(Some(path), RTLD_NOW) }.map_err(|e| {
        err(format!(
            "Error during loading of the HPy extension module at path '{path}'. Error message \
             from dlopen/WinAPI: {e}"
        ))
    })?;
    type Version = unsafe extern "C" fn() -> u32;
    let minor_name = format!("get_required_hpy_minor_version_{short}");
    let major_name = format!("get_required_hpy_major_version_{short}");
    // SAFETY: HPy declares both as `uint32_t (void)`.
    let (minor, major) = unsafe {
        match (
            symbol::<Version>(&lib, &minor_name),
            symbol::<Version>(&lib, &major_name),
        ) {
            (Ok(mi), Ok(ma)) => (mi(), ma()),
            (Err(e), _) | (_, Err(e)) => {
                return Err(err(format!(
                    "Error during loading of the HPy extension module at path '{path}'. Cannot \
                     locate the required minimal HPy versions as symbols '{minor_name}' and \
                     `{major_name}`. Error message from dlopen/WinAPI: {e}"
                )))
            }
        }
    };
    if major != ABI_VERSION.0 || minor > ABI_VERSION.1 {
        return Err(err(format!(
            "HPy extension module '{short}' requires unsupported version of the HPy runtime. \
             Requested version: {major}.{minor}. Current HPy version: {}.{}.",
            ABI_VERSION.0, ABI_VERSION.1
        )));
    }
    check_abi_tag(&short, path, major, minor).map_err(err)?;

    let ctx = match mode {
        Mode::Universal => crate::context::universal(py),
        Mode::Debug => crate::debug::context(py),
        Mode::Trace => crate::trace::context(py),
    };
    let lib = library_for_mode(lib, path, mode).map_err(err)?;
    type InitContext = unsafe extern "C" fn(*mut sys::HPyContext);
    type Init = unsafe extern "C" fn() -> *mut sys::HPyModuleDef;
    let init_ctx_name = format!("HPyInitGlobalContext_{short}");
    let init_name = format!("HPyInit_{short}");
    let missing = |symbol: &str, e: String| {
        err(format!(
            "Error during loading of the HPy extension module at path '{path}' while trying to \
             find symbol '{symbol}'. Did you use the HPy_MODINIT macro to register your module? \
             Error message from dlsym/WinAPI: {e}"
        ))
    };
    // SAFETY: HPy declares these as `void (HPyContext *)` and `HPyModuleDef *(void)`.
    let (init_ctx, init) = unsafe {
        (
            symbol::<InitContext>(&lib, &init_ctx_name).map_err(|e| missing(&init_ctx_name, e))?,
            symbol::<Init>(&lib, &init_name).map_err(|e| missing(&init_name, e))?,
        )
    };
    // SAFETY: the context lives for the process; both functions are the library's.
    let def = unsafe {
        init_ctx(ctx);
        init()
    };
    if def.is_null() {
        return Err(err(format!(
            "Error during loading of the HPy extension module at path '{path}'. Function \
             '{init_name}' returned NULL."
        )));
    }
    // SAFETY: `def` is the module's static definition (HPy's contract for `HPyInit_`); the GIL
    // is held.
    unsafe {
        let pydef = hpy_cpython::module::create_module_def(def);
        if pydef.is_null() {
            return Err(PyErr::fetch(py));
        }
        let m = ffi::PyModule_FromDefAndSpec2(pydef, spec.as_ptr(), ffi::PYTHON_API_VERSION);
        let m = Bound::from_owned_ptr_or_err(py, m)?;
        if ffi::PyModule_Check(m.as_ptr()) != 0 && ffi::PyModule_ExecDef(m.as_ptr(), pydef) != 0 {
            return Err(PyErr::fetch(py));
        }
        Ok(m.unbind())
    }
}

/// The mode asked for by `debug` and `mode` (`mode` wins when positive).
fn mode_of(debug: bool, mode: i32) -> PyResult<Mode> {
    match mode {
        m if m <= 0 && debug => Ok(Mode::Debug),
        m if m <= 0 => Ok(Mode::Universal),
        1 => Ok(Mode::Debug),
        2 => Ok(Mode::Trace),
        m => Err(PyValueError::new_err(format!(
            "load() argument 'mode': {m} is not MODE_UNIVERSAL (0), MODE_DEBUG (1) or MODE_TRACE (2)"
        ))),
    }
}

/// `load(name, path, spec, debug=False, mode=-1)`: loads the HPy module file `path` (a `str`
/// path of a `.hpy0.so`) as the module `name`, created from the module spec `spec`, with the
/// universal context (`MODE_UNIVERSAL`, the default), the debug context (`debug=True` or
/// `MODE_DEBUG`) or the trace context (`MODE_TRACE`). Returns the module.
///
/// `debug` is read for its truth; `mode`, when 0 or more, wins over it. A library already
/// loaded in another mode is loaded again from a private copy of its file.
///
/// Raises `HPyLoadError` (an `ImportError` and a `RuntimeError`) for a file that cannot be
/// opened, a missing `HPyInit_<name>` or version symbol, an ABI version or file-name tag other
/// than 0, a sub-interpreter, or a private copy that cannot be made; `ValueError` for a `mode`
/// above 2; `TypeError` for a `spec` that is not a module spec; and what the module's own
/// creation raises.
#[pyfunction]
#[pyo3(signature = (name, path, spec, debug = None, mode = -1))]
pub fn load(
    py: Python<'_>,
    name: &str,
    path: PathBuf,
    spec: &Bound<'_, PyAny>,
    debug: Option<&Bound<'_, PyAny>>,
    mode: i32,
) -> PyResult<Py<PyAny>> {
    // Any object, read for its truth (HPy 0.9.0 parses it as a predicate).
    let debug = debug.map(|d| d.is_truthy()).transpose()?.unwrap_or(false);
    let mode = mode_of(debug, mode)?;
    if !spec.hasattr("name")? {
        return Err(PyTypeError::new_err(format!(
            "load() argument 'spec': expected a module spec (importlib.machinery.ModuleSpec), \
             not {}",
            spec.get_type().name()?
        )));
    }
    let path = path
        .to_str()
        .ok_or_else(|| PyValueError::new_err("load() argument 'path': not valid UTF-8"))?
        .to_owned();
    do_load(py, name, &path, mode, spec)
}

/// The mode `env["HPY"]` asks for the module `name`: `MODE` for all modules, or
/// `NAME:MODE,NAME:MODE,...` per module (universal for the others; the first entry naming the
/// module counts). Unset or empty means universal. A value of neither form, an empty module name
/// or an unknown mode anywhere in it is a `ValueError` that says what `HPY` takes.
fn mode_from_env(name: &str, env: &Bound<'_, PyAny>) -> PyResult<Mode> {
    let value = match env.get_item("HPY") {
        Ok(v) => v,
        Err(e) if e.is_instance_of::<pyo3::exceptions::PyKeyError>(env.py()) => {
            return Ok(Mode::Universal)
        }
        Err(e) => return Err(e),
    };
    let value: String = value.extract()?;
    let invalid = || {
        PyValueError::new_err(format!(
            "invalid HPy mode: {value:.50} (HPY takes universal, debug or trace, or \
             MODULE:MODE,MODULE:MODE,... such as '{name}:debug')"
        ))
    };
    if value.trim().is_empty() {
        return Ok(Mode::Universal);
    }
    if !value.contains(':') {
        return Mode::parse(value.trim()).ok_or_else(invalid);
    }
    let mut chosen = None;
    for entry in value.split(',') {
        let (module, mode) = entry.split_once(':').ok_or_else(invalid)?;
        let mode = Mode::parse(mode.trim()).ok_or_else(invalid)?;
        let module = module.trim();
        if module.is_empty() {
            return Err(invalid());
        }
        if module == name && chosen.is_none() {
            chosen = Some(mode);
        }
    }
    Ok(chosen.unwrap_or(Mode::Universal))
}

/// `_load_bootstrap(name, ext_name, package, file, loader, spec, env)`: what the loader stubs
/// call. Loads `file` as the module `name` in the mode `env["HPY"]` asks for (see `load`), prints
/// `Loading '<name>' in HPy universal mode[ with a debug context]` when `env` has `HPY_LOG`, and
/// sets the module's `__file__`, `__loader__`, `__name__` (to `ext_name`), `__package__` and
/// `__spec__` (whose `origin` becomes `file`). Raises what `load` raises, and `ValueError` for an
/// unknown mode in `HPY`.
#[pyfunction]
#[pyo3(signature = (name, ext_name, package, file, loader, spec, env))]
#[allow(clippy::too_many_arguments)]
pub fn _load_bootstrap(
    py: Python<'_>,
    name: &Bound<'_, PyString>,
    ext_name: &Bound<'_, PyAny>,
    package: &Bound<'_, PyAny>,
    file: &Bound<'_, PyAny>,
    loader: &Bound<'_, PyAny>,
    spec: &Bound<'_, PyAny>,
    env: &Bound<'_, PyAny>,
) -> PyResult<Py<PyAny>> {
    let module_name = name.to_str()?;
    let mode = mode_from_env(module_name, env)?;
    let log = match env.get_item("HPY_LOG") {
        Ok(_) => true,
        Err(e) if e.is_instance_of::<pyo3::exceptions::PyKeyError>(py) => false,
        Err(e) => return Err(e),
    };
    if log {
        let with = match mode {
            Mode::Universal => "",
            Mode::Debug => " with a debug context",
            Mode::Trace => " with a trace context",
        };
        let sys = py.import("sys")?;
        sys.getattr("stdout")?.call_method1(
            "write",
            (format!(
                "Loading '{module_name}' in HPy universal mode{with}\n"
            ),),
        )?;
    }
    let path: String = py
        .import("os")?
        .call_method1("fspath", (file,))?
        .extract()
        .map_err(|_| {
            PyTypeError::new_err("_load_bootstrap() argument 'file': must be a str path")
        })?;
    let m = do_load(py, module_name, &path, mode, spec)?;
    let m = m.bind(py);
    m.setattr("__file__", file)?;
    m.setattr("__loader__", loader)?;
    m.setattr("__name__", ext_name)?;
    m.setattr("__package__", package)?;
    spec.setattr("origin", file)?;
    m.setattr("__spec__", spec)?;
    Ok(m.clone().unbind())
}

/// `install()`: makes this module `hpy.universal` for the rest of the process, so that code
/// written for hpy 0.9.0's runtime (the stubs `hpy.devel` writes, HPy's test suite) uses it.
/// If the `hpy` package can be imported, its `universal` attribute is set too; otherwise an
/// empty `hpy` package is registered to hold it. Returns `None`; calling it again changes
/// nothing.
#[pyfunction]
pub fn install(py: Python<'_>) -> PyResult<()> {
    let this = py.import("hpy_rs_runtime")?;
    let sys = py.import("sys")?;
    let modules = sys.getattr("modules")?.cast_into::<PyDict>()?;
    let hpy = match py.import("hpy") {
        Ok(m) => m,
        Err(e) if e.is_instance_of::<pyo3::exceptions::PyImportError>(py) => {
            let m = PyModule::new(py, "hpy")?;
            m.setattr("__path__", pyo3::types::PyList::empty(py))?;
            m.setattr(
                "__doc__",
                "The `hpy` namespace, registered by hpy_rs_runtime.install() to hold `hpy.universal`.",
            )?;
            modules.set_item("hpy", &m)?;
            m
        }
        Err(e) => return Err(e),
    };
    modules.set_item("hpy.universal", &this)?;
    hpy.setattr("universal", &this)?;
    Ok(())
}
