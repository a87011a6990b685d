/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* RFC 5322 3.2.2: comments nest. The depth is counted, never recursed
 * into, so hostile nesting costs only time linear in its length. @p is at
 * the '('; an unclosed comment runs to the end, and @closed (may be NULL)
 * says which it was. Inline: the header, address and date lexers call it
 * on their hot paths. */
static inline const char *
pigeon_mime_skip_comment (const char *p, const char *end, gboolean *closed)
{
  gsize depth = 0;

  for (; p < end; p++)
    {
      if (*p == '\\' && p + 1 < end)
        p++;
      else if (*p == '(')
        depth++;
      else if (*p == ')' && --depth == 0)
        {
          if (closed != NULL)
            *closed = TRUE;
          return p + 1;
        }
    }
  if (closed != NULL)
    *closed = FALSE;
  return end;
}

G_END_DECLS
