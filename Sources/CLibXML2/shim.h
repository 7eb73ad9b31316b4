#ifndef TACE_CLIBXML2_SHIM_H
#define TACE_CLIBXML2_SHIM_H

/* Debian's libxml2 is built with ICU; its headers then pull in ICU's, whose
 * declarations clash with the ICU copy inside Foundation ("'UErrorCode' has
 * different definitions in different modules"). Nothing here needs ICU. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>
#include <libxml/entities.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlIO.h>
#include <libxml/globals.h>

/* Swift cannot import or define C variadic functions, and libxml2's "generic"
 * error channel (used where no parser or XPath context is at hand, e.g. by the
 * encoding converters) is a variadic function pointer that prints to stderr by
 * default - with document text in it (an encoding name, say). These helpers
 * silence that channel for the current thread (libxml2 keeps it per thread)
 * and put the previous handler back afterwards. */
static void tace_xml_generic_error_sink(void *ctx, const char *msg, ...) {
    (void)ctx; (void)msg;
}

typedef struct {
    void *generic_context;
    void *generic_function;      /* an xmlGenericErrorFunc, kept opaque for Swift */
    void *structured_context;
    xmlStructuredErrorFunc structured_function;
} tace_xml_error_channels;

/* Route the calling thread's libxml2 error channels: generic -> discarded,
 * structured -> `handler(context, error)`. Returns what was there before. */
static inline tace_xml_error_channels
tace_xml_route_errors(xmlStructuredErrorFunc handler, void *context) {
    tace_xml_error_channels previous;
    previous.generic_context = xmlGenericErrorContext;
    previous.generic_function = (void *)xmlGenericError;
    previous.structured_context = xmlStructuredErrorContext;
    previous.structured_function = xmlStructuredError;
    xmlSetGenericErrorFunc(NULL, tace_xml_generic_error_sink);
    xmlSetStructuredErrorFunc(context, handler);
    return previous;
}

static inline void tace_xml_restore_errors(tace_xml_error_channels previous) {
    xmlSetGenericErrorFunc(previous.generic_context, (xmlGenericErrorFunc)previous.generic_function);
    xmlSetStructuredErrorFunc(previous.structured_context, previous.structured_function);
}

#endif
