// strict.cpp - tests/strict/strict.c compiled as C++ (see there).
#include "strict.c"
