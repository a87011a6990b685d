/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "pigeon-imap-fetch.h"
#include "pigeon-imap-response.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* Every response as the session reads it: parsed (lines and literals),
 * then FETCH, LIST and STATUS decoded into structures, and mailbox names
 * and UID sets as they come from a server. */
static void
decode (PigeonImapResponse *response)
{
  if (response->name == NULL)
    return;
  if (strcmp (response->name, "FETCH") == 0)
    {
      g_autoptr (PigeonImapFetch) fetch = pigeon_imap_fetch_parse (response);
      g_assert (fetch == NULL || fetch->envelope == NULL || fetch->envelope->from != NULL);
    }
  else if (strcmp (response->name, "LIST") == 0)
    {
      g_autoptr (PigeonImapMailbox) mailbox = pigeon_imap_mailbox_parse (response, FALSE);
      g_assert (mailbox == NULL || g_utf8_validate (mailbox->name, -1, NULL));
      if (mailbox != NULL)
        pigeon_imap_mailbox_apply_status (mailbox, pigeon_imap_value_nth (response->args, 3));
    }
  for (guint i = 0; i < response->args->n_items; i++)
    {
      const char *s = pigeon_imap_value_string (response->args->items[i]);
      if (s != NULL && strlen (s) == response->args->items[i]->len)
        {
          g_autofree char *name = pigeon_imap_utf7_decode (s);
          g_autoptr (GArray) uids = pigeon_imap_uid_set_parse (s, 100000);
          g_assert (name == NULL || g_utf8_validate (name, -1, NULL));
          if (name != NULL)
            {
              g_autofree char *again = pigeon_imap_utf7_encode (name);
              g_assert (again != NULL);
            }
          if (uids != NULL && uids->len > 0)
            {
              g_autofree char *set = pigeon_imap_uid_set_format ((guint32 *) uids->data, uids->len);
              g_assert (set[0] != '\0');
            }
        }
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) responses = pigeon_imap_parse_all (data, size, 1024 * 1024, &error);

  g_assert ((responses == NULL) == (error != NULL));
  for (guint i = 0; responses != NULL && i < responses->len; i++)
    decode (responses->pdata[i]);
  return 0;
}
