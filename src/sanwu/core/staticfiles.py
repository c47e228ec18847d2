"""What `sanwu collectstatic` collects. ECharts' npm package brings 51 MB of builds and source maps;
the pages load only `vendor/echarts/echarts.min.js`, so the rest is neither copied nor compressed."""

from django.contrib.staticfiles.apps import StaticFilesConfig as DjangoStaticFilesConfig


class StaticFilesConfig(DjangoStaticFilesConfig):
    ignore_patterns = [
        *DjangoStaticFilesConfig.ignore_patterns,
        "echarts.js", "echarts.js.map", "echarts.esm.*", "echarts.common.*", "echarts.simple.*", "extension",
    ]
