/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include "pigeon-mime-codec.h"

G_BEGIN_DECLS

void fuzz_check_decode_in_pieces (PigeonMimeEncoding encoding, const guint8 *data, gsize size);

G_END_DECLS
