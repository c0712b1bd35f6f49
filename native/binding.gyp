{
  "targets": [
    {
      "target_name": "tsvino_native",
      "sources": [
        "src/addon.cc",
        "src/binary.cc",
        "src/compressed-matmul.cc",
        "src/convolution.cc",
        "src/eltwise.cc",
        "src/matmul.cc",
        "src/max-pool.cc",
        "src/plan.cc",
        "src/plan-cache.cc",
        "src/plan-build.cc",
        "src/pooling.cc",
        "src/softmax.cc",
        "src/winograd.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++14", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-O3", "-fopenmp"],
      "libraries": ["-ldnnl", "-fopenmp"]
    }
  ]
}
