/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "pigeon-mime-header.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check_valid (const PigeonMimeContentType *type)
{
  g_assert (type->params->len <= PIGEON_MIME_MAX_PARAMS);
  g_assert (type->type[0] != '\0');
  for (guint i = 0; i < type->params->len; i++)
    {
      const PigeonMimeParam *param = type->params->pdata[i];
      g_autofree char *lower = g_ascii_strdown (param->name, -1);

      g_assert_cmpstr (param->name, ==, lower);
      g_assert (g_utf8_validate (param->value, -1, NULL));
      g_assert (pigeon_mime_content_type_get_param (type, param->name) == param->value);
    }
}

/* Formatting then parsing gives the same type and parameters, unless the
 * formatted form has more pieces than a parse reads (it is truncated). */
static void
check_round_trip (const PigeonMimeContentType *type)
{
  g_autofree char *formatted = pigeon_mime_content_type_format (type);
  g_autoptr (PigeonMimeContentType) again = NULL;

  if (type->subtype != NULL)
    again = pigeon_mime_content_type_parse (formatted, strlen (formatted));
  else
    again = pigeon_mime_disposition_parse (formatted, strlen (formatted));
  g_assert (again != NULL);
  g_assert_cmpstr (again->type, ==, type->type);
  g_assert_cmpstr (again->subtype, ==, type->subtype);
  if (again->truncated)
    return;
  g_assert_cmpuint (again->params->len, ==, type->params->len);
  for (guint i = 0; i < type->params->len; i++)
    {
      const PigeonMimeParam *param = type->params->pdata[i];
      const PigeonMimeParam *param_again = again->params->pdata[i];

      g_assert_cmpstr (param_again->name, ==, param->name);
      g_assert_cmpstr (param_again->value, ==, param->value);
    }
}

/* Both parsers on the raw input: no crash, valid output, and a format
 * that reads back the same. */
int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (PigeonMimeContentType) type = pigeon_mime_content_type_parse ((const char *) data, size);
  g_autoptr (PigeonMimeContentType) disposition = pigeon_mime_disposition_parse ((const char *) data, size);

  if (type != NULL)
    {
      check_valid (type);
      check_round_trip (type);
    }
  if (disposition != NULL)
    {
      g_assert (disposition->subtype == NULL);
      check_valid (disposition);
      check_round_trip (disposition);
    }
  return 0;
}
