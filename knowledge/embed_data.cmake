# Writes OUT: a C++ source holding every knowledge data file as a raw string,
# keyed by its path relative to ROOT. Run by knowledge/CMakeLists.txt.
set(body "// Generated from knowledge/data by embed_data.cmake. Do not edit.\n")
string(APPEND body "#include \"knowledge/embedded_data.h\"\n\n")
string(APPEND body "namespace calfbot::knowledge {\n\n")
string(APPEND body "const std::vector<DataFile>& embedded_data_files() {\n")
string(APPEND body "  static const std::vector<DataFile> files = {\n")
string(REPLACE " " ";" FILES "${FILES}")
foreach(f IN LISTS FILES)
  file(RELATIVE_PATH rel ${ROOT} ${f})
  file(READ ${f} content)
  # A raw string literal cannot hold its own delimiter; the data never does.
  string(APPEND body "    {\"${rel}\", R\"calfbot_data(${content})calfbot_data\"},\n")
endforeach()
string(APPEND body "  };\n  return files;\n}\n\n}  // namespace calfbot::knowledge\n")
file(WRITE ${OUT} "${body}")
