/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-engine"

#include "config.h"

#include "pigeon-provider.h"

#include <stdlib.h>
#include <string.h>

#define RESOURCE_DIR "/org/pigeonmail/Pigeon/providers"

G_DEFINE_BOXED_TYPE (PigeonProvider, pigeon_provider, pigeon_provider_copy, pigeon_provider_free)

static void
server_copy (PigeonServer *to, const PigeonServer *from)
{
  *to = *from;
  to->host = g_strdup (from->host);
}

PigeonProvider *
pigeon_provider_copy (const PigeonProvider *provider)
{
  PigeonProvider *copy = g_new0 (PigeonProvider, 1);

  copy->id = g_strdup (provider->id);
  copy->name = g_strdup (provider->name);
  copy->domains = g_strdupv (provider->domains);
  server_copy (&copy->imap, &provider->imap);
  server_copy (&copy->pop3, &provider->pop3);
  server_copy (&copy->smtp, &provider->smtp);
  copy->files_sent = provider->files_sent;
  copy->app_password = provider->app_password;
  copy->note = g_strdup (provider->note);
  return copy;
}

void
pigeon_provider_free (PigeonProvider *provider)
{
  if (provider == NULL)
    return;
  g_free (provider->id);
  g_free (provider->name);
  g_strfreev (provider->domains);
  g_free (provider->imap.host);
  g_free (provider->pop3.host);
  g_free (provider->smtp.host);
  g_free (provider->note);
  g_free (provider);
}

const char *
pigeon_security_to_string (PigeonSecurity security)
{
  switch (security)
    {
    case PIGEON_SECURITY_STARTTLS:
      return "starttls";
    case PIGEON_SECURITY_NONE:
      return "none";
    case PIGEON_SECURITY_TLS:
    default:
      return "tls";
    }
}

gboolean
pigeon_security_from_string (const char *text, PigeonSecurity *security)
{
  if (g_strcmp0 (text, "tls") == 0)
    *security = PIGEON_SECURITY_TLS;
  else if (g_strcmp0 (text, "starttls") == 0)
    *security = PIGEON_SECURITY_STARTTLS;
  else if (g_strcmp0 (text, "none") == 0)
    *security = PIGEON_SECURITY_NONE;
  else
    return FALSE;
  return TRUE;
}

gboolean
pigeon_server_parse (const char *text, PigeonServer *server)
{
  g_auto (GStrv) fields = NULL;
  char *end = NULL;
  guint64 port;

  if (text == NULL)
    return FALSE;
  fields = g_strsplit (text, ":", 3);
  if (g_strv_length (fields) != 3 || *fields[0] == '\0')
    return FALSE;
  port = g_ascii_strtoull (fields[1], &end, 10);
  if (end == fields[1] || *end != '\0' || port == 0 || port > 65535)
    return FALSE;
  if (!pigeon_security_from_string (fields[2], &server->security))
    return FALSE;
  server->host = g_strdup (fields[0]);
  server->port = port;
  return TRUE;
}

static PigeonProvider *
provider_from_key_file (const char *id, GKeyFile *file)
{
  g_autoptr (PigeonProvider) provider = g_new0 (PigeonProvider, 1);
  g_autofree char *imap = g_key_file_get_string (file, "Provider", "IMAP", NULL);
  g_autofree char *pop3 = g_key_file_get_string (file, "Provider", "POP3", NULL);
  g_autofree char *smtp = g_key_file_get_string (file, "Provider", "SMTP", NULL);

  provider->id = g_strdup (id);
  provider->name = g_key_file_get_string (file, "Provider", "Name", NULL);
  provider->domains = g_key_file_get_string_list (file, "Provider", "Domains", NULL, NULL);
  provider->note = g_key_file_get_locale_string (file, "Provider", "Note", NULL, NULL);
  provider->files_sent = g_key_file_get_boolean (file, "Provider", "FilesSent", NULL);
  provider->app_password = g_key_file_get_boolean (file, "Provider", "AppPassword", NULL);
  if (provider->name == NULL || provider->domains == NULL || !pigeon_server_parse (smtp, &provider->smtp))
    return NULL;
  if (imap != NULL && !pigeon_server_parse (imap, &provider->imap))
    return NULL;
  if (pop3 != NULL && !pigeon_server_parse (pop3, &provider->pop3))
    return NULL;
  if (provider->imap.host == NULL && provider->pop3.host == NULL)
    return NULL;
  return g_steal_pointer (&provider);
}

static void
add_provider (GPtrArray *list, const char *name, GBytes *bytes)
{
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autofree char *id = NULL;
  PigeonProvider *provider;
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  if (!g_str_has_suffix (name, ".ini") || !g_key_file_load_from_data (file, data, len, G_KEY_FILE_NONE, NULL))
    return;
  id = g_strndup (name, strlen (name) - 4);
  provider = provider_from_key_file (id, file);
  if (provider == NULL)
    g_warning ("Provider preset %s is malformed", name);
  else
    g_ptr_array_add (list, provider);
}

static gboolean
load_directory (GPtrArray *list, const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, name, NULL);
      g_autofree char *contents = NULL;
      gsize len;

      if (g_file_get_contents (file, &contents, &len, NULL))
        {
          g_autoptr (GBytes) bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
          add_provider (list, name, bytes);
        }
    }
  return list->len > 0;
}

static void
load_resources (GPtrArray *list)
{
  g_auto (GStrv) names = g_resources_enumerate_children (RESOURCE_DIR, 0, NULL);

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      g_autofree char *path = g_build_path ("/", RESOURCE_DIR, names[i], NULL);
      g_autoptr (GBytes) bytes = g_resources_lookup_data (path, 0, NULL);

      if (bytes != NULL)
        add_provider (list, names[i], bytes);
    }
}

static int
compare_ids (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 ((*(PigeonProvider **) a)->id, (*(PigeonProvider **) b)->id);
}

GPtrArray *
pigeon_provider_list_all (void)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_provider_free);
  g_autofree char *installed = g_build_filename (PKGDATADIR, "providers", NULL);
  const char *override = g_getenv ("PIGEON_PROVIDERS_DIR");

  if (!load_directory (list, override != NULL ? override : installed))
    load_resources (list);
  g_ptr_array_sort (list, compare_ids);
  return list;
}

PigeonProvider *
pigeon_provider_lookup (const char *domain)
{
  g_autoptr (GPtrArray) list = NULL;
  g_autofree char *folded = NULL;

  g_return_val_if_fail (domain != NULL, NULL);

  folded = g_ascii_strdown (domain, -1);
  list = pigeon_provider_list_all ();
  for (guint i = 0; i < list->len; i++)
    {
      PigeonProvider *provider = g_ptr_array_index (list, i);

      if (g_strv_contains ((const char *const *) provider->domains, folded))
        return pigeon_provider_copy (provider);
    }
  return NULL;
}
