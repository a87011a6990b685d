/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "pigeon-ui"

#include "config.h"

#include "pigeon-contact-groups.h"
#include "pigeon-mime-address.h"

void
pigeon_contact_group_free (PigeonContactGroup *group)
{
  if (group == NULL)
    return;
  g_free (group->name);
  g_ptr_array_unref (group->addresses);
  g_free (group);
}

char *
pigeon_contact_groups_get_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "pigeon", "groups.ini", NULL);
}

/* Only real mailboxes: a group inside a group or an empty entry would
 * become a recipient that cannot be sent to. */
static GPtrArray *
parse_mailboxes (const char *value)
{
  g_autoptr (GPtrArray) parsed = pigeon_mime_address_list_parse (value, -1);
  GPtrArray *mailboxes = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_mime_address_free);

  for (guint i = 0; i < parsed->len; i++)
    {
      PigeonMimeAddress *address = g_ptr_array_index (parsed, i);

      if (address->address != NULL && strchr (address->address, '@') != NULL)
        g_ptr_array_add (mailboxes, pigeon_mime_address_new (address->name, address->address));
    }
  return mailboxes;
}

GPtrArray *
pigeon_contact_groups_load (const char *path, GError **error)
{
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autoptr (GPtrArray) groups = g_ptr_array_new_with_free_func ((GDestroyNotify) pigeon_contact_group_free);
  g_autoptr (GError) local_error = NULL;
  g_auto (GStrv) names = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&groups);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  names = g_key_file_get_groups (file, NULL);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *value = g_key_file_get_string (file, names[i], "Addresses", NULL);
      g_autoptr (PigeonContactGroup) group = g_new0 (PigeonContactGroup, 1);

      if (value == NULL)
        continue;
      group->name = g_strdup (names[i]);
      group->addresses = parse_mailboxes (value);
      if (group->addresses->len > 0)
        g_ptr_array_add (groups, g_steal_pointer (&group));
    }
  return g_steal_pointer (&groups);
}

GPtrArray *
pigeon_contact_groups_complete (GPtrArray *groups, const char *prefix)
{
  g_autofree char *folded_prefix = NULL;
  GPtrArray *matches = g_ptr_array_new ();

  g_return_val_if_fail (groups != NULL, NULL);
  g_return_val_if_fail (prefix != NULL, NULL);

  folded_prefix = g_utf8_casefold (prefix, -1);
  for (guint i = 0; i < groups->len; i++)
    {
      PigeonContactGroup *group = g_ptr_array_index (groups, i);
      g_autofree char *folded_name = g_utf8_casefold (group->name, -1);

      if (g_str_has_prefix (folded_name, folded_prefix))
        g_ptr_array_add (matches, group);
    }
  return matches;
}
