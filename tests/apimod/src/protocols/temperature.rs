//! `Temperature`: a static method and class methods (alternative constructors).

use hpy::prelude::*;

/// A temperature in kelvin.
#[hpy_class(subclass)]
pub struct Temperature {
    #[hpy(get)]
    kelvin: f64,
}

#[hpy_methods]
impl Temperature {
    #[new]
    fn new(kelvin: f64) -> Temperature {
        Temperature { kelvin }
    }

    /// Celsius to kelvin.
    #[staticmethod]
    fn to_kelvin(celsius: f64) -> f64 {
        celsius + 273.15
    }

    /// An instance of `cls` (the class it is called on) from degrees Celsius.
    #[classmethod]
    fn from_celsius<'ctx>(cls: &Handle<'ctx>, celsius: f64) -> HPyResult<Handle<'ctx>> {
        cls.call((celsius + 273.15,))
    }

    /// The name of the class it is called on.
    #[classmethod]
    fn class_name(cls: &Handle<'_>) -> HPyResult<String> {
        cls.get_attr("__name__")?.extract()
    }
}
