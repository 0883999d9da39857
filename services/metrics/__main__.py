from services.metrics.main import create_app
from services.metrics.settings import MetricsSettings
from shared.serve import build_and_serve

if __name__ == "__main__":
    build_and_serve(create_app, MetricsSettings())
