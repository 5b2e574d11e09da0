#include "errors.hpp"

#include "tidemark/error.hpp"

namespace nb = nanobind;

namespace tidemark::python {
namespace {

// Created once at import and kept for the life of the interpreter.
PyObject* decode_error = nullptr;
PyObject* limit_error = nullptr;
PyObject* unsupported_error = nullptr;

PyObject* new_exception(nb::module_& m, const char* name, PyObject* base, const char* doc) {
  const std::string qualified = std::string("tidemark.") + name;
  PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, base, nullptr);
  if (!type) throw nb::python_error();
  m.attr(name) = nb::handle(type);
  return type;
}

PyObject* python_type_for(Status s) {
  switch (s) {
    case Status::InvalidArgument: return PyExc_ValueError;
    case Status::IoError: return PyExc_OSError;
    case Status::DecodeError: return decode_error;
    case Status::LimitExceeded: return limit_error;
    case Status::Unsupported: return unsupported_error;
    case Status::Internal: return PyExc_RuntimeError;
  }
  return PyExc_RuntimeError;
}

}  // namespace

void register_errors(nb::module_& m) {
  decode_error = new_exception(m, "DecodeError", PyExc_OSError,
                               "A file's bytes are not a valid image of the type they claim.");
  limit_error = new_exception(m, "LimitError", PyExc_ValueError,
                              "An input is larger than the configured limits (pixels or bytes).");
  unsupported_error = new_exception(m, "UnsupportedError", PyExc_ValueError,
                                    "A valid input this build cannot handle (e.g. CMYK JPEG, CUDA without a device).");
  nb::register_exception_translator([](const std::exception_ptr& p, void*) {
    try {
      std::rethrow_exception(p);
    } catch (const Error& e) {
      PyErr_SetString(python_type_for(e.status()), e.what());
    }
  });
}

}  // namespace tidemark::python
