/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "pigeon-mime-address.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check_valid (GPtrArray *list)
{
  g_assert (list->len <= PIGEON_MIME_MAX_ADDRESSES);
  for (guint i = 0; i < list->len; i++)
    {
      const PigeonMimeAddress *address = list->pdata[i];

      g_assert (address->address != NULL || address->group != NULL);
      g_assert (address->address == NULL ||
                (address->address[0] != '\0' && g_utf8_validate (address->address, -1, NULL)));
      g_assert (address->name == NULL || g_utf8_validate (address->name, -1, NULL));
      g_assert (address->group == NULL || g_utf8_validate (address->group, -1, NULL));
    }
}

/* Parses the raw input; formatting the list and parsing it again keeps
 * every address string, in order, and every group membership. */
int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GPtrArray) list = pigeon_mime_address_list_parse ((const char *) data, size);
  g_autofree char *formatted = NULL;
  g_autoptr (GPtrArray) again = NULL;

  check_valid (list);
  formatted = pigeon_mime_address_list_format (list);
  g_assert (g_utf8_validate (formatted, -1, NULL));
  again = pigeon_mime_address_list_parse (formatted, -1);
  check_valid (again);

  g_assert_cmpuint (again->len, ==, list->len);
  for (guint i = 0; i < list->len; i++)
    {
      const PigeonMimeAddress *address = list->pdata[i];
      const PigeonMimeAddress *address_again = again->pdata[i];
      g_autofree char *one = pigeon_mime_address_format (address);

      g_assert_cmpstr (address_again->address, ==, address->address);
      g_assert ((address_again->group == NULL) == (address->group == NULL));
      g_assert (g_utf8_validate (one, -1, NULL));
    }
  return 0;
}
