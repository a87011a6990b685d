/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-engine"

#include "config.h"

#include "pigeon-certificate-pins.h"

#include <glib/gi18n.h>

#include "pigeon-engine-error.h"

struct _PigeonCertificatePins
{
  GObject parent_instance;
  char *path;
};

G_DEFINE_FINAL_TYPE (PigeonCertificatePins, pigeon_certificate_pins, G_TYPE_OBJECT)

static void
pigeon_certificate_pins_finalize (GObject *object)
{
  g_free (PIGEON_CERTIFICATE_PINS (object)->path);
  G_OBJECT_CLASS (pigeon_certificate_pins_parent_class)->finalize (object);
}

static void
pigeon_certificate_pins_class_init (PigeonCertificatePinsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pigeon_certificate_pins_finalize;
}

static void
pigeon_certificate_pins_init (PigeonCertificatePins *self)
{
}

char *
pigeon_certificate_pins_default_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "pigeon", "certificates.ini", NULL);
}

PigeonCertificatePins *
pigeon_certificate_pins_new (const char *path)
{
  PigeonCertificatePins *self = g_object_new (PIGEON_TYPE_CERTIFICATE_PINS, NULL);

  self->path = path != NULL ? g_strdup (path) : pigeon_certificate_pins_default_path ();
  return self;
}

static GKeyFile *
load (PigeonCertificatePins *self)
{
  GKeyFile *file = g_key_file_new ();

  g_key_file_load_from_file (file, self->path, G_KEY_FILE_NONE, NULL);
  return file;
}

static gboolean
save (PigeonCertificatePins *self, GKeyFile *file, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (self->path);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, PIGEON_ENGINE_ERROR, PIGEON_ENGINE_ERROR_SETTINGS, _ ("Cannot create the folder %s"), dir);
      return FALSE;
    }
  return g_key_file_save_to_file (file, self->path, error);
}

static char *
group_name (const char *host, guint port)
{
  return g_strdup_printf ("%s:%u", host, port);
}

char *
pigeon_certificate_pins_lookup (PigeonCertificatePins *self, const char *host, guint port)
{
  g_autoptr (GKeyFile) file = NULL;
  g_autofree char *group = NULL;

  g_return_val_if_fail (PIGEON_IS_CERTIFICATE_PINS (self), NULL);
  g_return_val_if_fail (host != NULL, NULL);

  file = load (self);
  group = group_name (host, port);
  return g_key_file_get_string (file, group, "sha256", NULL);
}

gboolean
pigeon_certificate_pins_accept (
    PigeonCertificatePins *self, const char *host, guint port, const char *fingerprint, GError **error)
{
  g_autoptr (GKeyFile) file = NULL;
  g_autofree char *group = NULL;

  g_return_val_if_fail (PIGEON_IS_CERTIFICATE_PINS (self), FALSE);
  g_return_val_if_fail (host != NULL && fingerprint != NULL, FALSE);

  file = load (self);
  group = group_name (host, port);
  g_key_file_set_string (file, group, "sha256", fingerprint);
  g_key_file_set_int64 (file, group, "accepted", g_get_real_time () / G_USEC_PER_SEC);
  return save (self, file, error);
}

gboolean
pigeon_certificate_pins_forget (PigeonCertificatePins *self, const char *host, guint port, GError **error)
{
  g_autoptr (GKeyFile) file = NULL;
  g_autofree char *group = NULL;

  g_return_val_if_fail (PIGEON_IS_CERTIFICATE_PINS (self), FALSE);

  file = load (self);
  group = group_name (host, port);
  if (!g_key_file_remove_group (file, group, NULL))
    return TRUE;
  return save (self, file, error);
}
