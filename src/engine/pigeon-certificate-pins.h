/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PIGEON_TYPE_CERTIFICATE_PINS (pigeon_certificate_pins_get_type ())

/* Certificates the person accepted: host and port -> the SHA-256
 * fingerprint ("AB:CD:…") of that one certificate. Kept in a key file
 * ($XDG_CONFIG_HOME/pigeon/certificates.ini); a different certificate
 * later is an error again. */
G_DECLARE_FINAL_TYPE (PigeonCertificatePins, pigeon_certificate_pins, PIGEON, CERTIFICATE_PINS, GObject)

char *pigeon_certificate_pins_default_path (void);
PigeonCertificatePins *pigeon_certificate_pins_new (const char *path);
/* The accepted fingerprint, or NULL. */
char *pigeon_certificate_pins_lookup (PigeonCertificatePins *self, const char *host, guint port);
gboolean pigeon_certificate_pins_accept (
    PigeonCertificatePins *self, const char *host, guint port, const char *fingerprint, GError **error);
gboolean pigeon_certificate_pins_forget (PigeonCertificatePins *self, const char *host, guint port, GError **error);

G_END_DECLS
