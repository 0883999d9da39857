from services.metrics.main import create_app
from services.metrics.settings import MetricsSettings
from shared.serve import serve

if __name__ == "__main__":
    settings = MetricsSettings()
    serve(create_app(settings), settings)
